"""PDFs are bounded, whatever a business types: a text keeps every character but at most
DOCUMENT_MAX_LINES lines, tables lay out in linear time, so the largest summary sheet stays a
bounded document (before: 10,000 characters of one paragraph took 171 s, 400 KB of short lines more
than 14 minutes). The time itself is measured by `make bench`."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from core.forms import TEXT_MAX_LENGTH
from core.models import Role
from core.templatetags.kyoso import DOCUMENT_MAX_LINES, document_text
from proposals import documents

from .. import factories
from ..support import pdf_text, squeeze

pytestmark = pytest.mark.unit


def test_document_text_keeps_every_character_in_at_most_the_maximum_of_lines():
    text = "\n".join(f"行{i}" for i in range(1000))
    html = str(document_text(text))
    assert html.count("<br>") == DOCUMENT_MAX_LINES - 1
    assert all(f"行{i}" in html for i in range(1000))


def test_document_text_escapes_and_shortens_blank_runs():
    html = str(document_text("<b>A&B</b>\r\n\r\n\r\n\r\n次の段落"))
    assert html == "&lt;b&gt;A&amp;B&lt;/b&gt;<br><br>次の段落"


def test_pdf_tables_lay_out_in_fixed_columns():
    base = open("templates/documents/base.html", encoding="utf-8").read()
    assert "table-layout: fixed" in base


@pytest.mark.django_db
@pytest.mark.parametrize("shape", ["one paragraph", "short lines"])
def test_the_largest_summary_sheet_keeps_its_text_in_a_bounded_document(cjk_font, shape):
    member = factories.user(Role.BUSINESS)
    if shape == "one paragraph":
        text = "あいうえおかきくけこ" * (TEXT_MAX_LENGTH // 10)
    else:
        text = "\n".join(["あ"] * (TEXT_MAX_LENGTH // 2))
    proposal = factories.draft(
        member,
        summary=text,
        problem=text,
        solution=text,
        expected_effect=text,
        schedule=text,
        city_cost_detail=text,
    )
    factories.act(proposal, "submit", member)
    proposal.refresh_from_db()
    pdf = documents.render_summary_pdf(proposal)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert pages <= 60, pages  # 60,000 characters of text fill about 45 pages
    assert squeeze(text)[-20:] in squeeze(pdf_text(pdf))  # the end of the text is there too
