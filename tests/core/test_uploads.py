"""Uploads are allowed by content (magic bytes, the ZIP's table of contents), not by name.

Every file here is built from real bytes: a PDF, a PNG written with zlib and a Windows
executable's header (from tests.factories, as other tests upload them too), Office packages
written with zipfile, an ELF header, zip bombs.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from urllib.parse import unquote

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.http import HttpResponse
from django.utils import translation

from core import uploads

from ..factories import EXE_PE, ole2_bytes, pdf_bytes, png_bytes

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read the English source messages; Japanese is checked separately."""
    from django.utils import translation

    with translation.override("en"):
        yield


# --- real minimal files ------------------------------------------------------------------------


def pdf_of_size(size: int) -> bytes:
    """A valid PDF of exactly ``size`` bytes (padding changes the xref digits: iterate)."""
    padding = max(size - len(pdf_bytes()) - 2, 1)
    for _attempt in range(5):
        content = pdf_bytes(padding=padding)
        if len(content) == size:
            return content
        padding += size - len(content)
    raise AssertionError(f"could not build a PDF of {size} bytes")


JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + b"\x00" * 64
    + b"\xff\xd9"
)
OLE2 = ole2_bytes()
EXE_ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
    b'openxmlformats.org/package/2006/content-types"/>'
)
OOXML_PARTS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def ooxml_bytes(kind: str, extra: dict[str, bytes] | None = None) -> bytes:
    entries = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": b"<Relationships/>",
        OOXML_PARTS[kind]: b"<document/>",
    }
    entries.update(extra or {})
    return zip_bytes(entries)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def refusal(name: str, content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        uploads.inspect_upload(upload(name, content))
    return caught.value


def english(error: ValidationError) -> str:
    with translation.override("en"):
        return " ".join(error.messages)


# --- accepted --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "kind", "content_type"),
    [
        ("提案書_最終版.pdf", pdf_bytes(), "pdf", "application/pdf"),
        ("図1.png", png_bytes(), "png", "image/png"),
        ("photo.JPG", JPEG, "jpeg", "image/jpeg"),
        ("photo.jpeg", JPEG, "jpeg", "image/jpeg"),
        (
            "提案書.docx",
            ooxml_bytes("docx"),
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "収支計画.xlsx",
            ooxml_bytes("xlsx"),
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "説明資料.pptx",
            ooxml_bytes("pptx"),
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        ("old.doc", OLE2, "doc", "application/msword"),
        ("old.xls", OLE2, "xls", "application/vnd.ms-excel"),
        ("old.ppt", OLE2, "ppt", "application/vnd.ms-powerpoint"),
    ],
)
def test_accepted_kinds_are_read_from_the_content(name, content, kind, content_type):
    file = upload(name, content)
    info = uploads.inspect_upload(file)
    assert info == uploads.UploadInfo(
        kind=kind, content_type=content_type, size=len(content), original_name=name
    )
    assert kind in uploads.ALLOWED
    assert file.tell() == 0, "inspection must leave the file at its start for saving"
    assert file.read() == content


def test_a_file_spooled_to_disk_is_inspected_and_rewound():
    content = pdf_bytes(padding=3 * 1024 * 1024)
    file = TemporaryUploadedFile("大きな資料.pdf", "application/pdf", len(content), None)
    try:
        file.write(content)
        file.seek(0)
        info = uploads.inspect_upload(file)
        assert (info.kind, info.size) == ("pdf", len(content))
        assert file.tell() == 0
    finally:
        file.close()


class CountingBytesIO(io.BytesIO):
    """Counts the bytes read, to show inspection does not read the whole upload."""

    bytes_read = 0

    def read(self, size=-1):
        data = super().read(size)
        self.bytes_read += len(data)
        return data


@pytest.mark.parametrize(
    "content",
    [
        ooxml_bytes("docx", {"word/media/photo.jpg": random.Random(0).randbytes(2 * 10**6)}),
    ],
)
def test_inspection_reads_the_header_and_the_zip_directory_only(content):
    """An Office Open XML file is judged by its ZIP directory: nothing is decompressed. (A PDF
    is read whole, to look for scripts: see the active-content tests below.)"""
    stream = CountingBytesIO(content)
    file = SimpleUploadedFile("x", b"")
    file.file, file.size = stream, len(content)
    file.name = "資料.pdf" if content.startswith(b"%PDF") else "資料.docx"
    uploads.inspect_upload(file)
    assert stream.bytes_read < 64 * 1024 < len(content)
    assert stream.tell() == 0


# --- refused ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("提案書.pdf", EXE_PE),
        ("提案書.pdf", EXE_ELF),
        ("image.png", HTML),
        ("提案書.docx", zip_bytes({"readme.txt": b"hello"})),  # a plain zip renamed
        (
            "提案書.docx",
            zip_bytes(
                {
                    "mimetype": b"application/vnd.oasis.opendocument.text",
                    "content.xml": b"<office:document-content/>",
                    "META-INF/manifest.xml": b"<manifest/>",
                }
            ),
        ),  # an .odt renamed
        (
            "提案書.xlsx",
            zip_bytes(
                {
                    "META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\n",
                    "Main.class": b"\xca\xfe\xba\xbe",
                }
            ),
        ),  # a .jar renamed
        ("broken.docx", b"PK\x03\x04" + b"\x00" * 100),  # not a readable zip
        ("letter.pdf", b"Dear desk, " * 10),
    ],
)
def test_content_that_is_not_what_the_name_says_is_refused(name, content):
    error = refusal(name, content)
    assert error.code == "content_mismatch"
    message = english(error)
    assert name in message and "not a" in message
    assert "PDF, Word, Excel, PowerPoint, PNG, JPEG" in message


def test_an_allowed_kind_under_the_wrong_extension_says_what_it_really_is():
    error = refusal("提案書.pdf", png_bytes())
    assert error.code == "content_mismatch"
    message = english(error)
    assert (
        "is a PNG file" in message and "ends in .pdf" in message and "Rename it to .png" in message
    )

    error = refusal("資料.xlsx", ooxml_bytes("docx"))
    assert "is a Word file" in english(error) and ".docx" in english(error)

    error = refusal("資料.pdf", OLE2)
    assert "is a Word/Excel/PowerPoint (legacy) file" in english(error)
    assert "Rename it to .doc/.xls/.ppt," in english(error)


@pytest.mark.parametrize(
    "name", ["archive.zip", "提案書.odt", "tool.jar", "setup.exe", "page.html", "noextension"]
)
def test_types_outside_the_list_are_refused_naming_the_allowed_types(name):
    content = {"archive.zip": zip_bytes({"a.txt": b"a"}), "setup.exe": EXE_PE}.get(name, HTML)
    error = refusal(name, content)
    assert error.code == "type_not_allowed"
    message = english(error)
    assert "only these types are accepted: PDF, Word, Excel, PowerPoint, PNG, JPEG" in message


def test_office_files_with_macros_are_refused():
    error = refusal("集計.xlsx", ooxml_bytes("xlsx", {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"}))
    assert error.code == "macros"
    assert "macros" in english(error)


def test_an_empty_file_is_refused():
    error = refusal("提案書.pdf", b"")
    assert error.code == "empty"
    assert english(error) == "“提案書.pdf” is empty. Choose the file again."


def test_the_per_file_limit_is_exact_and_the_message_gives_both_sizes(settings):
    settings.UPLOAD_MAX_FILE_BYTES = 2 * 1024 * 1024
    at_limit = pdf_of_size(settings.UPLOAD_MAX_FILE_BYTES)
    assert uploads.inspect_upload(upload("ok.pdf", at_limit)).size == len(at_limit)

    over = pdf_of_size(settings.UPLOAD_MAX_FILE_BYTES + 1)
    error = refusal("big.pdf", over)
    assert error.code == "too_large"
    assert english(error).startswith("“big.pdf” is 2 MB; each file may be at most 2 MB.")


def test_the_default_limits_and_the_help_text():
    with translation.override("en"):
        assert uploads.limits_text() == (
            "PDF, Word, Excel, PowerPoint, PNG, JPEG; up to 10 MB per file and 30 MB in total"
        )
    error = refusal("huge.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))
    assert "is 10 MB; each file may be at most 10 MB" in english(error)
    assert uploads.size_text(15 * 1024 * 1024 // 10) == "1.5 MB"
    assert uploads.accept_attribute().split(",")[:2] == [".pdf", ".docx"]


def test_the_total_per_proposal(settings):
    settings.UPLOAD_MAX_TOTAL_BYTES = 30 * 1024 * 1024
    mb = 1024 * 1024
    uploads.check_total(20 * mb, [6 * mb, 4 * mb])  # exactly the limit
    with pytest.raises(ValidationError) as caught:
        uploads.check_total(20 * mb, [6 * mb, 4 * mb + 1])
    assert caught.value.code == "total_too_large"
    message = english(caught.value)
    assert "the limit is 30 MB per proposal, and 10 MB is left" in message
    with pytest.raises(ValidationError) as caught:
        uploads.check_total(31 * mb, [1])
    assert "and 0 B is left" in english(caught.value)


# --- zip bombs -------------------------------------------------------------------------------


def test_a_zip_with_ten_thousand_entries_is_refused():
    entries = {f"word/media/image{n}.png": b"" for n in range(10_000)}
    error = refusal("提案書.docx", ooxml_bytes("docx", entries))
    assert error.code == "archive_too_large"
    assert "too many parts" in english(error)


def test_a_zip_that_expands_beyond_the_cap_is_refused(settings):
    settings.UPLOAD_MAX_UNCOMPRESSED_BYTES = 4 * 1024 * 1024
    bomb = ooxml_bytes("xlsx", {"xl/worksheets/sheet1.xml": b"\x00" * (5 * 1024 * 1024)})
    assert len(bomb) < 64 * 1024  # compresses to almost nothing
    assert refusal("集計.xlsx", bomb).code == "archive_too_large"


def test_a_zip_declaring_a_huge_uncompressed_size_is_refused():
    content = bytearray(ooxml_bytes("docx"))
    # Rewrite the uncompressed size in every central-directory record to almost 4 GiB.
    position = content.find(b"PK\x01\x02")
    while position != -1:
        content[position + 24 : position + 28] = struct.pack("<I", 0xFFFFFFF0)
        position = content.find(b"PK\x01\x02", position + 4)
    error = refusal("提案書.docx", bytes(content))
    assert error.code == "archive_too_large"


# --- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("提案書_最終版.pdf", "提案書_最終版.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\x\\提案.pdf", "提案.pdf"),
        ("/var/tmp/資料 (1).xlsx", "資料 (1).xlsx"),
        ("提案\x00書\r\n.pdf", "提案書.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),  # right-to-left override removed
        ("ﾃｽﾄ.pdf", "ﾃｽﾄ.pdf"),  # half-width kana are kept (NFC, not NFKC)
        ("\u30ab\u3099ide.pdf", "\u30acide.pdf"),  # カ + combining dakuten → ガ (NFC)
        ('a"b<c>:d|e?.pdf', "a_b_c__d_e_.pdf"),
        ("", "file"),
        ("..", "file"),
        ("../", "file"),
        (".pdf", "file.pdf"),
        ("   名前.pdf.  ", "名前.pdf"),
    ],
)
def test_clean_filename(raw, clean):
    assert uploads.clean_filename(raw) == clean


def test_clean_filename_keeps_the_extension_within_150_characters():
    cleaned = uploads.clean_filename("企" * 300 + ".pptx")
    assert len(cleaned) == 150 and cleaned.endswith("企.pptx")


def test_content_disposition_for_a_japanese_name():
    value = uploads.content_disposition("提案書.pdf")
    assert value == (
        "attachment; filename=\"download.pdf\"; filename*=UTF-8''%E6%8F%90%E6%A1%88%E6%9B%B8.pdf"
    )
    assert unquote(value.split("UTF-8''")[1]) == "提案書.pdf"
    response = HttpResponse(b"", content_type="application/pdf")
    response["Content-Disposition"] = value  # Django refuses headers with newlines or non-Latin-1
    assert value.isascii()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("report.pdf", 'attachment; filename="report.pdf"'),
        (
            "提案書_v2.pdf",
            "attachment; filename=\"v2.pdf\"; filename*=UTF-8''%E6%8F%90%E6%A1%88%E6%9B%B8_v2.pdf",
        ),
        ('../x"y\r\n.pdf', 'attachment; filename="x_y.pdf"'),
        (
            "café menu.pdf",
            "attachment; filename=\"cafe menu.pdf\"; filename*=UTF-8''caf%C3%A9%20menu.pdf",
        ),
    ],
)
def test_content_disposition(raw, expected):
    assert uploads.content_disposition(raw) == expected


def test_refusals_are_in_japanese_by_default():
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import translation

    from core import uploads

    with translation.override("ja"), pytest.raises(ValidationError) as info:
        uploads.inspect_upload(SimpleUploadedFile("提案書.pdf", b"MZ\x90\x00" + b"\x00" * 60))
    message = " ".join(info.value.messages)
    assert "提案書.pdf" in message and "PDF" in message
    assert "file" not in message  # not the English source


# --- active content: macros, scripts, launch actions, embedded files -------------------------

# A PDF whose JavaScript sits in a Flate-compressed object stream, with a #-escaped name: a
# plain search of the file's bytes would not see it.
_HIDDEN_JS = zlib.compress(b"<< /Type /Action /S /Java#53cript /JS (app.alert(1)) >>")
PDF_WITH_HIDDEN_JS = (
    b"%PDF-1.7\n1 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length "
    + str(len(_HIDDEN_JS)).encode()
    + b" >>\nstream\n"
    + _HIDDEN_JS
    + b"\nendstream\nendobj\n%%EOF\n"
)


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (
            pdf_bytes().replace(b"%%EOF", b"<< /OpenAction << /S /JavaScript /JS (x) >> >>\n%%EOF"),
            "JavaScript",
        ),
        (pdf_bytes().replace(b"%%EOF", b"<< /S /Launch /F (cmd.exe) >>\n%%EOF"), "launch actions"),
        (
            pdf_bytes().replace(b"%%EOF", b"<< /Names << /EmbeddedFiles 5 0 R >> >>\n%%EOF"),
            "embedded files",
        ),
        (PDF_WITH_HIDDEN_JS, "JavaScript"),
    ],
    ids=["javascript", "launch", "embedded-file", "compressed-and-escaped"],
)
def test_pdfs_that_run_or_unpack_something_are_refused_saying_what(content, what):
    error = refusal("提案書.pdf", content)
    assert error.code == "active_content"
    assert what in english(error) and "plain PDF" in english(error)


def test_a_plain_pdf_with_compressed_streams_is_accepted():
    stream = zlib.compress(b"BT /F1 12 Tf (Hello) Tj ET")
    content = pdf_bytes().replace(
        b"%%EOF",
        b"4 0 obj << /Length 9 /Filter /FlateDecode >>\nstream\n"
        + stream
        + b"\nendstream\nendobj\n%%EOF",
    )
    assert uploads.inspect_upload(upload("提案書.pdf", content)).kind == "pdf"


def test_a_pdf_that_inflates_beyond_the_cap_is_refused(monkeypatch):
    from core import active_content

    monkeypatch.setattr(active_content, "MAX_INFLATED_BYTES", 1000)
    bomb = zlib.compress(b"\x00" * 100_000)
    content = pdf_bytes().replace(
        b"%%EOF",
        b"4 0 obj << /Filter /FlateDecode >>\nstream\n" + bomb + b"\nendstream\nendobj\n%%EOF",
    )
    assert refusal("提案書.pdf", content).code == "too_complex"


def test_legacy_office_files_with_vba_are_refused_and_clean_ones_accepted():
    macro = ole2_bytes({"WordDocument": b"x", "Macros": b'\x01Attribut\x00e VB_Name = "M"'})
    error = refusal("古い提案書.doc", macro)
    assert error.code == "macros" and ".docx" in english(error)
    assert uploads.inspect_upload(upload("古い提案書.doc", ole2_bytes())).kind == "doc"


def test_a_damaged_legacy_office_file_is_refused_as_unreadable():
    damaged = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    assert refusal("古い提案書.xls", damaged).code == "unreadable"


def test_excel_4_macro_sheets_are_refused():
    content = ooxml_bytes("xlsx", {"xl/macrosheets/sheet1.xml": b"<xm:macrosheet/>"})
    assert refusal("表.xlsx", content).code == "macros"
