"""Safe output for spreadsheets: text that Excel shows as text and never runs as a formula.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to
Excel and LibreOffice ("CSV injection"); a quote in front makes it text. The desk's exports
and the public open data write every text cell through ``spreadsheet_cell``.
"""

from __future__ import annotations

#: Excel reads UTF-8 only with a byte-order mark in front.
BOM = "\ufeff"


def spreadsheet_cell(value) -> str:
    """A text cell that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text
