"""What a business may attach to a proposal, decided by the file's content, not its name.

A name can say anything: an executable renamed ``提案書.pdf`` is still an executable. So the
kind is read from the first bytes (and, for Office files, from the ZIP's table of contents),
and the name's extension must agree with it: a mismatch is refused with a clear message,
because a file that is not what its name says only confuses the desk.

Nothing here touches the database or the storage; forms and services call
``inspect_upload`` and ``check_total`` before they save, and the download view uses
``content_disposition``.
"""

from __future__ import annotations

import os
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import active_content

MiB = 1024 * 1024
DEFAULT_MAX_FILE_BYTES = 10 * MiB
DEFAULT_MAX_TOTAL_BYTES = 30 * MiB
#: Office files are ZIPs; what they may expand to and how many parts they may have. A real
#: 10 MB workbook expands to well under this; a zip bomb declares far more.
DEFAULT_MAX_UNCOMPRESSED_BYTES = 200 * MiB
DEFAULT_MAX_ZIP_ENTRIES = 5000
MAX_NAME_LENGTH = 150

PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # a ZIP with entries; an empty ZIP


#: Word, Excel and PowerPoint 97–2003 share one container (OLE2): one label for the three.
LEGACY_LABEL = gettext_lazy("Word/Excel/PowerPoint (legacy)")


@dataclass(frozen=True)
class Kind:
    code: str
    label: str  # product names, the same in every language (except "legacy")
    content_type: str
    extensions: tuple[str, ...]


_KINDS = [
    Kind("pdf", "PDF", "application/pdf", (".pdf",)),
    Kind(
        "docx",
        "Word",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
    ),
    Kind(
        "xlsx",
        "Excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (".xlsx",),
    ),
    Kind(
        "pptx",
        "PowerPoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (".pptx",),
    ),
    Kind("doc", LEGACY_LABEL, "application/msword", (".doc",)),
    Kind("xls", LEGACY_LABEL, "application/vnd.ms-excel", (".xls",)),
    Kind("ppt", LEGACY_LABEL, "application/vnd.ms-powerpoint", (".ppt",)),
    Kind("png", "PNG", "image/png", (".png",)),
    Kind("jpeg", "JPEG", "image/jpeg", (".jpg", ".jpeg")),
]
#: Every accepted kind, by code.
ALLOWED: dict[str, Kind] = {kind.code: kind for kind in _KINDS}
_BY_EXTENSION = {ext: kind for kind in _KINDS for ext in kind.extensions}
#: The legacy Office formats share one container (OLE2); only the extension tells them apart.
_OLE2_KINDS = ("doc", "xls", "ppt")
_OOXML_FOLDERS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
#: What the messages and the help text call the accepted types.
TYPES_TEXT = "PDF, Word, Excel, PowerPoint, PNG, JPEG"


@dataclass(frozen=True)
class UploadInfo:
    kind: str
    content_type: str
    size: int
    original_name: str


# --- limits ------------------------------------------------------------------------------------


def max_file_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES))


def max_total_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_TOTAL_BYTES", DEFAULT_MAX_TOTAL_BYTES))


def size_text(size: int) -> str:
    """10 MB, 2.5 MB, 300 KB, 12 B: short, and the same in Japanese."""
    size = max(int(size), 0)
    if size >= MiB:
        value = f"{size / MiB:.1f}".removesuffix(".0")
        return f"{value} MB"
    if size >= 1024:
        return f"{size // 1024} KB"
    return f"{size} B"


def limits_text() -> str:
    """For the form's help text: which types, and how large."""
    return _("%(types)s; up to %(per_file)s per file and %(total)s in total") % {
        "types": TYPES_TEXT,
        "per_file": size_text(max_file_bytes()),
        "total": size_text(max_total_bytes()),
    }


def accept_attribute() -> str:
    """For ``<input type=file accept=…>``: a hint to the browser, never a check."""
    return ",".join(ext for kind in _KINDS for ext in kind.extensions)


# --- inspection --------------------------------------------------------------------------------


def _size_of(uploaded_file) -> int:
    size = getattr(uploaded_file, "size", None)
    if size is not None:
        return int(size)
    # No size given: count it in chunks, never reading the whole file at once.
    size = 0
    uploaded_file.seek(0)
    for chunk in iter(lambda: uploaded_file.read(64 * 1024), b""):
        size += len(chunk)
    uploaded_file.seek(0)
    return size


def _ooxml_kind(stream, display_name: str) -> str | None:
    """docx/xlsx/pptx for an Office Open XML package; None for any other ZIP.

    Reads only the ZIP's central directory (zipfile seeks to the end of the stream); nothing
    is decompressed, so a zip bomb costs nothing to refuse.
    """
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None
    max_entries = int(getattr(settings, "UPLOAD_MAX_ZIP_ENTRIES", DEFAULT_MAX_ZIP_ENTRIES))
    max_expanded = int(
        getattr(settings, "UPLOAD_MAX_UNCOMPRESSED_BYTES", DEFAULT_MAX_UNCOMPRESSED_BYTES)
    )
    if len(entries) > max_entries or sum(e.file_size for e in entries) > max_expanded:
        raise ValidationError(
            _(
                "“%(name)s” expands to too much data or has too many parts to be a normal "
                "document, so it cannot be accepted. Save it again from Word, Excel or "
                "PowerPoint, or send it as a PDF."
            ),
            code="archive_too_large",
            params={"name": display_name},
        )
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names:
        return None  # a plain ZIP, an OpenDocument file, a Java archive, …
    found = {
        kind
        for folder, kind in _OOXML_FOLDERS.items()
        if any(name.startswith(folder) for name in names)
    }
    if len(found) != 1:
        return None
    if any(
        name.lower().endswith("vbaproject.bin") or name.lower().startswith("xl/macrosheets/")
        for name in names
    ):
        raise ValidationError(
            _(
                "“%(name)s” contains macros, which cannot be accepted. Save it without macros "
                "(as .docx, .xlsx or .pptx) and upload it again."
            ),
            code="macros",
            params={"name": display_name},
        )
    return found.pop()


def _detect(stream, extension: str, display_name: str) -> str | None:
    """The kind's code read from the content, or None when it is none we accept."""
    head = stream.read(8)
    if head.startswith(PDF_MAGIC):
        return "pdf"
    if head.startswith(PNG_MAGIC):
        return "png"
    if head.startswith(JPEG_MAGIC):
        return "jpeg"
    if head.startswith(OLE2_MAGIC):
        # Word, Excel and PowerPoint 97–2003 share the container; trust the extension for
        # which of the three it is, as long as it names one of them.
        ext_kind = _BY_EXTENSION.get(extension)
        return ext_kind.code if ext_kind and ext_kind.code in _OLE2_KINDS else "doc"
    if head.startswith(ZIP_MAGICS):
        stream.seek(0)
        return _ooxml_kind(stream, display_name)
    return None


def inspect_upload(uploaded_file) -> UploadInfo:
    """Check one uploaded file and say what it is.

    Raises ``ValidationError`` (in the active language) for an empty file, a file over the
    per-file limit, a type we do not accept, or content that does not match the name.
    Leaves the file positioned at its start.
    """
    original_name = clean_filename(getattr(uploaded_file, "name", "") or "")
    extension = os.path.splitext(original_name)[1].lower()
    refused_size = getattr(uploaded_file, "refused_size", None)  # core.upload_handlers
    size = refused_size if refused_size is not None else _size_of(uploaded_file)
    if size == 0:
        raise ValidationError(
            _("“%(name)s” is empty. Choose the file again."),
            code="empty",
            params={"name": original_name},
        )
    limit = max_file_bytes()
    if size > limit:
        raise ValidationError(
            _(
                "“%(name)s” is %(size)s; each file may be at most %(limit)s. Make it smaller "
                "(for example, save images at a lower resolution) or split it."
            ),
            code="too_large",
            params={"name": original_name, "size": size_text(size), "limit": size_text(limit)},
        )
    expected = _BY_EXTENSION.get(extension)
    if expected is None:
        raise ValidationError(
            _("“%(name)s” cannot be uploaded: only these types are accepted: %(types)s."),
            code="type_not_allowed",
            params={"name": original_name, "types": TYPES_TEXT},
        )

    stream = getattr(uploaded_file, "file", None)
    if stream is None:
        stream = uploaded_file
    try:
        stream.seek(0)
        detected = _detect(stream, extension, original_name)
    finally:
        stream.seek(0)
        if stream is not uploaded_file and hasattr(uploaded_file, "seek"):
            uploaded_file.seek(0)

    if detected is None:
        raise ValidationError(
            _(
                "The content of “%(name)s” is not a %(expected)s file, although its name ends in "
                "%(extension)s. Only these types are accepted: %(types)s."
            ),
            code="content_mismatch",
            params={
                "name": original_name,
                "expected": expected.label,
                "extension": extension,
                "types": TYPES_TEXT,
            },
        )
    if detected != expected.code:
        actual = ALLOWED[detected]
        right = (
            "/".join(ALLOWED[code].extensions[0] for code in _OLE2_KINDS)
            if detected in _OLE2_KINDS
            else actual.extensions[0]
        )
        raise ValidationError(
            _(
                "The content of “%(name)s” is a %(actual)s file, but its name ends in "
                "%(extension)s. Rename it to %(right_extension)s, or choose the right file."
            ),
            code="content_mismatch",
            params={
                "name": original_name,
                "actual": actual.label,
                "extension": extension,
                "right_extension": right,
            },
        )
    _refuse_active_content(uploaded_file, detected, original_name)
    return UploadInfo(
        kind=detected,
        content_type=ALLOWED[detected].content_type,
        size=size,
        original_name=original_name,
    )


def _read_all(uploaded_file) -> bytes:
    stream = getattr(uploaded_file, "file", None) or uploaded_file
    stream.seek(0)
    try:
        return stream.read()
    finally:
        stream.seek(0)


def _refuse_active_content(uploaded_file, kind: str, name: str) -> None:
    """PDFs with scripts, launch actions or embedded files, and legacy Office files with
    macros, are refused (``core.active_content`` says why refusing, not quarantining)."""
    if kind == "pdf":
        try:
            found = active_content.pdf_active_content(_read_all(uploaded_file))
        except active_content.TooComplex:
            raise ValidationError(
                _(
                    "“%(name)s” expands to too much data to be checked, so it cannot be "
                    "accepted. Print or export it again as a plain PDF and upload that."
                ),
                code="too_complex",
                params={"name": name},
            ) from None
        if found:
            raise ValidationError(
                _(
                    "“%(name)s” contains %(what)s, which run or unpack when the file is opened, "
                    "so it cannot be accepted. Print or export it again as a plain PDF (without "
                    "scripts, attachments or media) and upload that."
                ),
                code="active_content",
                params={"name": name, "what": _(", ").join(_(word) for word in found)},
            )
    elif kind in _OLE2_KINDS:
        try:
            macros = active_content.office_has_macros(_read_all(uploaded_file), name)
        except active_content.Unreadable:
            raise ValidationError(
                _(
                    "“%(name)s” could not be read as a Word, Excel or PowerPoint file. Save it "
                    "again from Office (as .docx, .xlsx or .pptx, or as a PDF) and upload it."
                ),
                code="unreadable",
                params={"name": name},
            ) from None
        if not macros:
            return
        raise ValidationError(
            _(
                "“%(name)s” contains macros, which cannot be accepted. Save it without macros "
                "(as .docx, .xlsx or .pptx) and upload it again."
            ),
            code="macros",
            params={"name": name},
        )


def check_total(existing_bytes: int, new_sizes: Iterable[int]) -> None:
    """Refuse new files that would take a proposal's attachments over the total limit."""
    limit = max_total_bytes()
    existing = max(int(existing_bytes or 0), 0)
    total = existing + sum(int(size) for size in new_sizes)
    if total > limit:
        raise ValidationError(
            _(
                "These files would bring the attachments to %(total)s; the limit is %(limit)s "
                "per proposal, and %(left)s is left."
            ),
            code="total_too_large",
            params={
                "total": size_text(total),
                "limit": size_text(limit),
                "left": size_text(max(limit - existing, 0)),
            },
        )


# --- names -------------------------------------------------------------------------------------

_UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
_WINDOWS_RESERVED = re.compile(r'[<>:"|?*]')


def clean_filename(name: str) -> str:
    """A file name safe to show and to offer for download: 提案書_最終版.pdf stays as it is.

    Drops any directory part (``/`` or ``\\``), control and invisible formatting characters
    (e.g. the right-to-left override used to disguise ``exe`` as ``pdf``), characters Windows
    refuses in names; normalises to NFC; keeps at most 150 characters with the extension;
    never returns an empty name.
    """
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in _UNSAFE_CATEGORIES)
    name = _WINDOWS_RESERVED.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip(" ").rstrip(" .")
    if name.startswith("."):  # ".pdf" would otherwise lose its extension to splitext
        name = "file." + name.lstrip(". ")
    stem, ext = os.path.splitext(name)
    if not stem.strip(" ._"):
        stem = "file"
    if len(ext) > 16 or not ext[1:].strip():
        stem, ext = stem + ext, ""
    stem = stem[: MAX_NAME_LENGTH - len(ext)].rstrip(" .") or "file"
    return stem + ext


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9._() -]", "_", text)


def _ascii_fallback(name: str) -> str:
    """提案書_v2.pdf → v2.pdf; 提案書.pdf → download.pdf; café.pdf → cafe.pdf."""
    stem, ext = os.path.splitext(name)
    stem = re.sub(r"_+", "_", _ascii(stem)).strip(" ._-")
    return (stem or "download") + _ascii(ext)


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII name for old clients and the real name per RFC 5987/6266."""
    name = clean_filename(filename)
    fallback = _ascii_fallback(name)
    value = f'attachment; filename="{fallback}"'
    if fallback != name:
        value += f"; filename*=UTF-8''{quote(name, safe='')}"
    return value


def download_response(content, filename: str, content_type: str, *, private: bool = True):
    """A file sent as a download under its real name, never sniffed by the browser.

    ``content`` is bytes (a rendered PDF) or a stored file (a ``FieldFile``); a stored file that
    has gone missing from the storage is a 404, not an error page. ``private`` responses (every
    file that is not public) are never kept by a browser or proxy cache.
    """
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type)
    else:
        try:
            response = FileResponse(content.open("rb"), content_type=content_type)
        except FileNotFoundError:
            raise Http404 from None
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    if private:
        response["Cache-Control"] = "private, no-store"
    return response
