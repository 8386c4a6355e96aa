"""The review result sheet (審査結果一覧): a Japanese PDF with the ranking, weighted totals and
criterion means, reviewers anonymised; the text is read back with pypdf."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from core.models import Role
from reviews import services
from reviews.documents import render_result_sheet

from .. import factories
from ..factories import submitted
from ..support import embedded_fonts, pdf_text, squeeze

pytestmark = pytest.mark.integration


@pytest.fixture
def scored_call(people, theme):
    desk = people["desk_staff"]
    reviewers = [
        factories.user(Role.REVIEWER, full_name=name)
        for name in ("山田 花子", "鈴木 一郎", "佐藤 次郎")
    ]
    second = submitted(people["business"], theme, title="見守りセンサーの実証")
    first = submitted(people["business"], theme, title="ドローン配送の実証")
    criteria = list(theme.rubric.criteria.all())
    for proposal, values in ((first, [(5, 5, 4), (4, 4, 4)]), (second, [(3, 3, 3), (2, 3, None)])):
        assignments = services.assign_reviewers([proposal], reviewers[:2], desk)
        for assignment, scores in zip(assignments, values, strict=True):
            services.save_scores(
                assignment,
                assignment.reviewer,
                {c.pk: (v, "") for c, v in zip(criteria, scores, strict=True)},
                submit=True,
            )
    conflicted = services.assign_reviewers([second], [reviewers[2]], desk)[0]
    services.declare_conflict(conflicted, reviewers[2], "利害関係")
    return {"first": first, "second": second, "reviewers": reviewers}


def test_the_result_sheet_ranks_the_call_with_anonymous_reviewers(scored_call, theme, cjk_font):
    data = render_result_sheet(theme)
    assert data.startswith(b"%PDF-")
    fonts = embedded_fonts(data)
    japanese = {name: emb for name, emb in fonts.items() if name.startswith(("IPAex", "Noto"))}
    assert japanese and all(japanese.values()), f"Japanese font not embedded: {fonts}"
    text = squeeze(pdf_text(data))
    assert "審査結果一覧" in text
    for expected in (
        "ドローン配送の実証",
        "見守りセンサーの実証",
        "審査員A",
        "審査員B",
        "審査員C",
        theme.title,
        "項目1",
        "4.38",
        "4.75",
        "2.67",
        "2.33",
    ):
        assert expected in text, expected
    # Ranked: the drone proposal ((4.75 + 4.00) / 2 = 4.38) before the sensor one
    # ((3.00 + 2.33) / 2 = 2.67); 審査員C declared a conflict and is not counted.
    assert text.index("ドローン配送の実証") < text.index("見守りセンサーの実証")
    for reviewer in scored_call["reviewers"]:
        assert squeeze(reviewer.full_name) not in text
        assert reviewer.email not in text


def test_the_desk_downloads_the_result_sheet(client, people, scored_call, theme, cjk_font):
    client.force_login(people["desk_manager"])
    response = client.get(reverse("reviews:result_pdf", args=[theme.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert len(PdfReader(io.BytesIO(response.content)).pages) >= 1
    assert "審査結果一覧" in squeeze(pdf_text(response.content))
