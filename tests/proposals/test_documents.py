"""The receipt (受付票) as a real PDF: Japanese font embedded, Japanese text extractable.

WeasyPrint drops Japanese glyphs silently when no CJK font is installed, so these tests read
the PDF back (pypdf, and pdftotext/pdffonts when poppler is installed) instead of trusting
that rendering did not fail.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation
from pypdf import PdfReader

from core.documents import render_pdf, url_fetcher
from proposals import documents
from proposals.states import Kind

from .. import factories
from ..support import embedded_fonts, pdf_text, require, squeeze

pytestmark = pytest.mark.unit

JST = ZoneInfo("Asia/Tokyo")
RECEIVED = dt.datetime(2026, 11, 26, 14, 5, tzinfo=JST)


@pytest.fixture
def submitted(db):
    member = factories.user("business")
    with time_machine.travel(RECEIVED, tick=False):
        proposal = factories.draft(member, title="AIオンデマンド交通の実証（東区）")
        factories.act(proposal, "submit", member)
    proposal.refresh_from_db()
    return proposal


def test_the_receipt_is_a_japanese_a4_pdf_with_its_font_embedded(submitted, cjk_font, capsys):
    documents.render_receipt_pdf(submitted)  # warm up: fonts are loaded on first use
    started = time.perf_counter()
    data = documents.render_receipt_pdf(submitted)
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(f"\nreceipt PDF: {len(data) / 1024:.0f} KB rendered in {elapsed:.3f} s (warm)")

    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)

    fonts = embedded_fonts(data)
    japanese = {name: emb for name, emb in fonts.items() if name.startswith(("IPAex", "Noto"))}
    assert japanese, f"no Japanese font in the PDF: {fonts}"
    assert all(japanese.values()), f"Japanese font not embedded: {fonts}"

    text = squeeze(pdf_text(data))
    proposal, organization = submitted, submitted.organization
    for expected in [
        "受付票",
        proposal.receipt_number,
        organization.name,
        organization.corporate_number,
        "AIオンデマンド交通の実証（東区）",
        "共創市",
        "共創デスク",
        "令和8年11月26日",
        "2026年11月26日",
        "14時05分",
        "2026年度（令和8年度）",
        "提案",
        proposal.programme.name,
        "窓口から担当者がご連絡します",
        "1/1",
    ]:
        assert squeeze(expected) in text, f"{expected!r} is missing from the receipt"
    for consent in proposal.consents.select_related("document"):
        assert squeeze(consent.document.title) in text
    assert text.count("2026-04") == proposal.consents.count() == 4
    assert proposal.receipt_number == "KD-2026-00001"


def test_poppler_reads_the_same_text_and_fonts(submitted, cjk_font):
    require(
        bool(shutil.which("pdftotext") and shutil.which("pdffonts")),
        "needs poppler-utils (pdftotext, pdffonts)",
    )
    data = documents.render_receipt_pdf(submitted)
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, timeout=30, check=True
    ).stdout.decode()
    for expected in ["受付票", submitted.receipt_number, submitted.organization.name, "令和8年"]:
        assert squeeze(expected) in squeeze(text)
    fonts = (
        subprocess.run(["pdffonts", "-"], input=data, capture_output=True, timeout=30, check=True)
        .stdout.decode()
        .splitlines()[2:]
    )
    ipa = [line for line in fonts if "IPAex" in line]
    assert ipa and all(line.split()[-5] == "yes" for line in ipa), fonts  # the "emb" column


def test_the_receipt_is_japanese_whatever_language_is_active(submitted, cjk_font):
    translation.activate("en")
    data = documents.render_receipt_pdf(submitted)
    assert translation.get_language() == "en"
    text = squeeze(pdf_text(data))
    assert "共創デスク" in text and "KyosoDesk" not in text
    assert "区分提案" in text and "Proposal" not in text


def test_a_consultation_and_a_sole_proprietor(db, cjk_font, settings):
    settings.MUNICIPALITY_NAME = '"港"&市'  # printed as written, in the body and the header
    org = factories.organization(is_sole_proprietor=True)
    member = factories.user("business", organization=org)
    proposal = factories.draft(member, kind=Kind.CONSULTATION, title="空き店舗の活用について")
    factories.act(proposal, "submit", member)
    text = squeeze(pdf_text(documents.render_receipt_pdf(proposal)))
    assert "ご相談を受け付けました" in text and "区分相談" in text
    assert "個人事業主" in text
    assert text.count('"港"&市') == 2  # the issuer and the running header
    assert "&amp;" not in text and "&quot;" not in text


def test_the_file_name(submitted):
    assert documents.pdf_filename(submitted) == "受付票_KD-2026-00001.pdf"


def test_a_draft_has_no_receipt(db):
    proposal = factories.draft(factories.user("business"))
    with pytest.raises(ValueError):
        documents.render_receipt_pdf(proposal)
    with pytest.raises(ValueError):
        documents.pdf_filename(proposal)


def _images(data: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(data)).pages)


def test_documents_load_nothing_from_outside(db, cjk_font, tmp_path):
    """A file or an address in a document is never fetched (the fetcher allows data: only)."""
    import weasyprint
    from weasyprint.urls import URLFetcher

    image = tmp_path / "secret.png"
    image.write_bytes(factories.png_bytes())
    html = (
        f'<html><body><p>本文</p><img src="{image.as_uri()}" alt="">'
        f'<img src="http://127.0.0.1:9/x.png" alt=""></body></html>'
    )
    # The same page with WeasyPrint's ordinary fetcher does load the file: the check can fail.
    assert _images(weasyprint.HTML(string=html, url_fetcher=URLFetcher()).write_pdf()) == 1
    assert _images(weasyprint.HTML(string=html, url_fetcher=url_fetcher()).write_pdf()) == 0
    assert render_pdf("documents/base.html", {}).startswith(b"%PDF-")
