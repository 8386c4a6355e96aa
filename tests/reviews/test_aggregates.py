"""The numbers the desk decides from, checked on a small example worked out by hand.

Rubric: three criteria weighted 2, 1, 1 on a 1–5 scale (40 % of its width is 1.6).
Reviewer A: 5, 4, 3        → (2×5 + 4 + 3) / 4 = 4.25
Reviewer B: 2, 2, abstains → (2×2 + 2) / 3     = 2.00
Reviewer C: 4, 5, 4        → (2×4 + 5 + 4) / 4 = 4.25
Weighted total (mean of the three) 3.50, median 4.25, spread 2.25 (≥ 1.6: disagreement);
plain mean of the eight scores 29 / 8 = 3.625 → 3.63; criterion means 3.67, 3.67, 3.50.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.models import Role
from reviews import aggregates, services

from .. import factories
from ..factories import submitted

pytestmark = pytest.mark.integration
D = Decimal


def _review(proposal, reviewer, desk, values, submit=True):
    assignment = services.assign_reviewers([proposal], [reviewer], desk)[0]
    criteria = list(services.rubric_for(proposal).criteria.all())
    services.save_scores(
        assignment,
        reviewer,
        {c.pk: (v, "") for c, v in zip(criteria, values, strict=True)},
        submit=submit,
    )
    return assignment


@pytest.fixture
def reviewers(db):
    return [factories.user(Role.REVIEWER) for _ in range(5)]


def test_aggregates_of_a_small_example(people, theme, reviewers):
    desk = people["desk_staff"]
    proposal = submitted(people["business"], theme)
    a, b, c, conflicted, pending = reviewers
    _review(proposal, a, desk, [5, 4, 3])
    _review(proposal, b, desk, [2, 2, None])
    _review(proposal, c, desk, [4, 5, 4])
    declared = services.assign_reviewers([proposal], [conflicted], desk)[0]
    services.declare_conflict(declared, conflicted, "利害関係")
    _review(proposal, pending, desk, [1, 1, 1], submit=False)  # a draft does not count

    agg = aggregates.aggregate_for(proposal)
    assert agg.reviewer_totals == {a.pk: D("4.25"), b.pk: D("2.00"), c.pk: D("4.25")}
    assert agg.weighted_total == D("3.50")
    assert agg.mean == D("3.63")
    assert agg.median == D("4.25")
    assert agg.spread == D("2.25")
    assert agg.disagreement is True
    assert agg.percent == D("62.50")
    criteria = list(theme.rubric.criteria.all())
    assert [agg.criterion_means[c.pk] for c in criteria] == [D("3.67"), D("3.67"), D("3.50")]
    assert (agg.assigned, agg.submitted, agg.conflicted, agg.pending) == (5, 3, 1, 1)


def test_no_disagreement_below_forty_percent_of_the_scale(people, theme, reviewers):
    desk = people["desk_staff"]
    proposal = submitted(people["business"], theme)
    _review(proposal, reviewers[0], desk, [5, 4, 3])  # 4.25
    _review(proposal, reviewers[1], desk, [3, 3, 3])  # 3.00 → spread 1.25 < 1.6
    agg = aggregates.aggregate_for(proposal)
    assert (agg.weighted_total, agg.median, agg.spread) == (D("3.63"), D("3.63"), D("1.25"))
    assert agg.disagreement is False


def test_a_proposal_without_submitted_reviews_has_no_numbers(people, theme, reviewers):
    proposal = submitted(people["business"], theme)
    services.assign_reviewers([proposal], reviewers[:2], people["desk_staff"])
    agg = aggregates.aggregate_for(proposal)
    assert (agg.weighted_total, agg.mean, agg.median, agg.spread) == (None, None, None, None)
    assert (agg.assigned, agg.submitted, agg.pending, agg.disagreement) == (2, 0, 2, False)


def test_the_ranking_of_a_call_orders_by_weighted_total(people, theme, reviewers):
    desk = people["desk_staff"]
    business = people["business"]
    middle = submitted(business, theme, title="中位の提案")
    top = submitted(business, theme, title="首位の提案")
    tied = submitted(business, theme, title="同点の提案")
    unscored = submitted(business, theme, title="未審査の提案")
    submitted(business, None, title="常時募集の提案")  # not in the call
    _review(middle, reviewers[0], desk, [3, 3, 3])
    _review(middle, reviewers[1], desk, [4, 4, 4])  # 3.50
    _review(top, reviewers[0], desk, [5, 5, 4])  # 4.75
    _review(tied, reviewers[0], desk, [4, 3, 3])  # 3.50
    services.assign_reviewers([unscored], [reviewers[2]], desk)

    rows = aggregates.theme_ranking(theme)
    assert [(r.rank, r.proposal.title, r.aggregate.weighted_total) for r in rows] == [
        (1, "首位の提案", D("4.75")),
        (2, "中位の提案", D("3.50")),
        (2, "同点の提案", D("3.50")),
        (None, "未審査の提案", None),
    ]


def test_aggregates_take_two_queries_for_one_or_many_proposals(
    people, theme, reviewers, django_assert_num_queries
):
    desk = people["desk_staff"]
    proposals = [submitted(people["business"], theme, title=f"提案{i}") for i in range(6)]
    for proposal in proposals:
        for reviewer in reviewers[:3]:
            _review(proposal, reviewer, desk, [3, 4, 5])
    with django_assert_num_queries(2):
        aggregates.aggregates_for([proposals[0].pk])
    with django_assert_num_queries(2):
        result = aggregates.aggregates_for([p.pk for p in proposals])
    assert {agg.weighted_total for agg in result.values()} == {D("3.75")}


def test_reviewer_letters():
    assert aggregates.letters(3) == ["A", "B", "C"]
    assert aggregates.letters(28)[25:] == ["Z", "AA", "AB"]
