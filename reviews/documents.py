"""The review result sheet (審査結果一覧) of a themed call, as PDF, in Japanese.

Reviewers are anonymised (審査員A, B…, in the order they were first assigned within the call)
so the sheet can circulate in the city's decision meetings. Rendered by
``proposals.documents.render_pdf`` (WeasyPrint with a Japanese font).
"""

from __future__ import annotations

from django.utils import timezone, translation

from core.documents import document_moment, render_pdf

from . import aggregates
from .models import ReviewAssignment
from .services import default_rubric, rubric_problem


def result_sheet_filename(theme) -> str:
    return f"審査結果一覧_{theme.pk}.pdf"


def result_sheet_context(theme) -> dict:
    rubric = theme.rubric or default_rubric()
    criteria = list(rubric.criteria.all()) if rubric else []
    rows = aggregates.theme_ranking(theme)
    proposal_ids = [row.proposal.pk for row in rows]
    order = list(
        ReviewAssignment.objects.filter(proposal_id__in=proposal_ids)
        .order_by("assigned_at", "pk")
        .values_list("reviewer_id", flat=True)
    )
    reviewer_ids = list(dict.fromkeys(order))
    letter_of = dict(zip(reviewer_ids, aggregates.letters(len(reviewer_ids)), strict=True))
    sheet_rows = []
    for row in rows:
        agg = row.aggregate
        sheet_rows.append(
            {
                "rank": row.rank,
                "proposal": row.proposal,
                "aggregate": agg,
                "criterion_means": [agg.criterion_means.get(c.pk) for c in criteria],
                "reviewer_totals": [
                    (letter_of.get(rid, "?"), total)
                    for rid, total in sorted(
                        agg.reviewer_totals.items(), key=lambda kv: letter_of.get(kv[0], "")
                    )
                ],
            }
        )
    return {
        "theme": theme,
        "rubric": rubric,
        "rubric_problem": rubric_problem(rubric, criteria) if rubric else "",
        "criteria": criteria,
        "rows": sheet_rows,
        "reviewer_letters": [letter_of[r] for r in reviewer_ids],
        "issued": document_moment(timezone.now()),
        "closes": document_moment(theme.closes_at),
    }


def render_result_sheet(theme) -> bytes:
    with translation.override("ja"):
        return render_pdf(
            "reviews/pdf/result_sheet.html", result_sheet_context(theme), language="ja"
        )
