"""Files that would run something when opened: refused, with the reason.

A proposal's files are opened by the city's staff on office computers. Office documents that
carry VBA macros, and PDFs that carry JavaScript, launch actions or embedded files, are the
usual way such a file attacks its reader, and a business never needs them to describe a
proposal. Kyoso Desk therefore **refuses** them at upload (rather than keeping them in a
quarantine the desk would have to manage), telling the business how to send the file without
them: save as .docx/.xlsx/.pptx, or print to a plain PDF.

* Office 97–2003 files (OLE2): oletools' ``VBA_Parser`` looks for VBA macros and Excel 4.0
  (XLM) macros.
* Office Open XML: macro parts (``vbaProject.bin``, Excel 4.0 macro sheets) are found in the
  ZIP's table of contents by ``core.uploads``.
* PDF: the names ``/JavaScript``, ``/JS``, ``/Launch``, ``/EmbeddedFile(s)`` and
  ``/RichMedia`` are looked for in the file and inside its compressed streams (object streams
  hide them there), with PDF's ``#xx`` name escapes undone. Inflating stops at
  ``MAX_INFLATED_BYTES``: a PDF that expands beyond that is refused as too complex.
"""

from __future__ import annotations

import re
import zlib

from django.utils.translation import gettext_noop
from oletools.olevba import VBA_Parser

#: Decompressed bytes read from a PDF's streams at most (a 10 MB PDF of text inflates to far
#: less; a compression bomb far more).
MAX_INFLATED_BYTES = 80 * 1024 * 1024

_PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia)(?=[\s/<>\[\]()%{}]|$)")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)

#: What each finding is called in the message to the business.
PDF_WORDS = {
    b"JavaScript": gettext_noop("JavaScript"),
    b"JS": gettext_noop("JavaScript"),
    b"Launch": gettext_noop("launch actions"),
    b"EmbeddedFile": gettext_noop("embedded files"),
    b"EmbeddedFiles": gettext_noop("embedded files"),
    b"RichMedia": gettext_noop("embedded media"),
}


class TooComplex(Exception):
    """The PDF expands to more than ``MAX_INFLATED_BYTES``."""


def _unescape_names(data: bytes) -> bytes:
    return _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)


def _inflated_streams(data: bytes):
    budget = MAX_INFLATED_BYTES
    for match in _STREAM.finditer(data):
        raw = match.group(1)
        inflater = zlib.decompressobj()
        try:
            chunk = inflater.decompress(raw, budget + 1)
        except zlib.error:
            continue  # not Flate-compressed (or damaged): its raw bytes were scanned already
        budget -= len(chunk)
        if budget < 0 or inflater.unconsumed_tail:
            raise TooComplex
        yield chunk


def pdf_active_content(data: bytes) -> list[str]:
    """What a PDF carries that would run or unpack when opened (empty for a plain PDF), as
    English source words to translate where they are shown."""
    found: set[bytes] = set()
    for chunk in (data, *_inflated_streams(data)):
        found.update(m.group(1) for m in _PDF_ACTIVE.finditer(_unescape_names(chunk)))
    return sorted({PDF_WORDS[name] for name in found})


class Unreadable(Exception):
    """An Office 97–2003 file whose container cannot be read (so cannot be checked)."""


def office_has_macros(data: bytes, filename: str = "upload") -> bool:
    """Whether an Office 97–2003 file (OLE2) carries VBA or Excel 4.0 macros; ``Unreadable``
    when its container is damaged."""
    try:
        parser = VBA_Parser(filename, data=data)
    except Exception as exc:
        raise Unreadable(str(exc)) from None
    try:
        return bool(parser.detect_vba_macros() or parser.detect_xlm_macros())
    finally:
        parser.close()
