"""Helpers shared by the tests: how a test that needs a service skips or fails, the fixed
times of a call, and how a test reads a PDF back."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import socket
import subprocess

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from core.dates import JAPAN

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, reason: str) -> None:
    """Skip with ``reason`` printed, or fail under CI=true where every service must be up."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true and a required service is missing: {reason}", pytrace=False)
    pytest.skip(f"{reason} (skipped here; with CI=true this fails instead)")


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


# --- the fixed times of a call (factories.make_theme), in Japan time ----------------------------

OPENS = dt.datetime(2026, 12, 1, 9, 0, tzinfo=JAPAN)  # a Tuesday
QUESTIONS_UNTIL = dt.datetime(2026, 12, 10, 17, 0, tzinfo=JAPAN)
CLOSES = dt.datetime(2026, 12, 21, 17, 0, tzinfo=JAPAN)  # a Monday
RESULTS = dt.datetime(2027, 1, 15, 10, 0, tzinfo=JAPAN)
SECOND = dt.timedelta(seconds=1)
DURING = OPENS + dt.timedelta(days=2)


def jst(*args) -> dt.datetime:
    """A moment in Japan time: ``jst(2027, 4, 1)`` is 00:00 JST, 31 March 15:00 UTC."""
    return dt.datetime(*args, tzinfo=JAPAN)


def submit_at(client, member, draft, moment: dt.datetime, **kw):
    """Post ``draft``'s submission through the view with the clock stopped at ``moment``."""
    with time_machine.travel(moment, tick=False):
        client.force_login(member)
        return client.post(
            reverse("proposals:submit", args=[draft.pk]),
            {"action": "submit", "expected_state": "draft"},
            **kw,
        )


# --- PDFs read back ------------------------------------------------------------------------------
# WeasyPrint drops Japanese glyphs silently when no CJK font is installed, so the document tests
# read the PDF back instead of trusting that rendering did not fail.


def cjk_font_installed() -> bool:
    """Whether fontconfig knows a Japanese font WeasyPrint can embed (the cjk_font fixture)."""
    if not shutil.which("fc-list"):
        return False
    families = subprocess.run(
        ["fc-list", ":lang=ja", "family"], capture_output=True, text=True, timeout=30
    ).stdout
    return any(name in families for name in ("IPAexGothic", "IPAexMincho", "Noto Sans CJK JP"))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def squeeze(text: str) -> str:
    """Without white space: letter-spaced titles come out of a PDF as 受 付 票."""
    return re.sub(r"\s+", "", text)


def embedded_fonts(data: bytes) -> dict[str, bool]:
    """Each font's name and whether its program is embedded in the file."""
    found: dict[str, bool] = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants.get_object()[0].get_object() if descendants else font
            descriptor = described.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font["/BaseFont"]).split("+")[-1]] = embedded
    return found
