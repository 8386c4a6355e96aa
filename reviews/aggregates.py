"""The numbers the desk decides from: per proposal and per call.

Definitions (all on the rubric's own scale, e.g. 1–5):

* a reviewer's **weighted total** is the weighted mean of its scores, Σ(weight × score) /
  Σ(weight), over the criteria it did not abstain on — so it stays on the scale whatever the
  weights, and an abstention neither helps nor hurts;
* a proposal's **weighted total** is the mean of its reviewers' weighted totals;
* **mean** is the plain mean of every score given (unweighted, abstentions left out);
* **median** is the median of the reviewers' weighted totals;
* **spread** is the highest minus the lowest reviewer's weighted total, and **disagreement**
  is flagged when the spread is at least ``DISAGREEMENT_SHARE`` (40 %) of the scale's width;
* **criterion means** are the mean score of each criterion.

Only submitted reviews without a declared conflict count. Everything is computed from two
queries (assignments, then scores with their criteria), whatever the number of proposals.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from proposals.models import Proposal

from .models import ReviewAssignment, Score

DISAGREEMENT_SHARE = Decimal("0.4")
TWO_PLACES = Decimal("0.01")


def _q(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass
class ProposalAggregate:
    proposal_id: int
    scale_min: int | None = None
    scale_max: int | None = None
    assigned: int = 0
    submitted: int = 0
    conflicted: int = 0
    #: reviewer id → that reviewer's weighted total (submitted reviews only)
    reviewer_totals: dict[int, Decimal] = field(default_factory=dict)
    #: criterion id → mean score
    criterion_means: dict[int, Decimal | None] = field(default_factory=dict)
    weighted_total: Decimal | None = None
    mean: Decimal | None = None
    median: Decimal | None = None
    spread: Decimal | None = None
    disagreement: bool = False

    @property
    def pending(self) -> int:
        """Assigned, neither submitted nor conflicted."""
        return self.assigned - self.submitted - self.conflicted

    @property
    def percent(self) -> Decimal | None:
        """The weighted total as a share of the scale (0–100)."""
        if self.weighted_total is None or not self.scale_max or self.scale_max == self.scale_min:
            return None
        return _q((self.weighted_total - self.scale_min) * 100 / (self.scale_max - self.scale_min))


def weighted_total(pairs) -> Decimal | None:
    """Weighted mean of ``(weight, value)`` pairs; ``None`` values (abstentions) are left out."""
    counted = [(Decimal(w), Decimal(v)) for w, v in pairs if v is not None]
    weights = sum((w for w, _v in counted), Decimal(0))
    if not weights:
        return None
    return sum((w * v for w, v in counted), Decimal(0)) / weights


def aggregates_for(proposal_ids) -> dict[int, ProposalAggregate]:
    """``{proposal id: ProposalAggregate}`` for ``proposal_ids``, in two queries."""
    proposal_ids = list(proposal_ids)
    result = {pk: ProposalAggregate(proposal_id=pk) for pk in proposal_ids}
    if not proposal_ids:
        return result
    submitted: set[int] = set()
    for pk, proposal_id, conflicted, submitted_at in ReviewAssignment.objects.filter(
        proposal_id__in=proposal_ids
    ).values_list("pk", "proposal_id", "conflict_declared", "submitted_at"):
        agg = result[proposal_id]
        agg.assigned += 1
        if conflicted:
            agg.conflicted += 1
        elif submitted_at:
            agg.submitted += 1
            submitted.add(pk)

    # assignment → [(criterion, weight, value)] and what each proposal's rubric is
    per_assignment: dict[int, list] = {}
    reviewer_of: dict[int, tuple[int, int]] = {}
    scales: dict[int, tuple[int, int]] = {}
    rows = (
        Score.objects.filter(assignment_id__in=submitted)
        .values_list(
            "assignment_id",
            "assignment__proposal_id",
            "assignment__reviewer_id",
            "criterion_id",
            "criterion__weight",
            "value",
            "criterion__rubric__scale_min",
            "criterion__rubric__scale_max",
        )
        .order_by("assignment_id", "criterion__sort_order", "criterion_id")
    )
    criterion_values: dict[int, dict[int, list[int]]] = {}
    for (
        assignment_id,
        proposal_id,
        reviewer_id,
        criterion_id,
        weight,
        value,
        scale_min,
        scale_max,
    ) in rows:
        per_assignment.setdefault(assignment_id, []).append((weight, value))
        reviewer_of[assignment_id] = (proposal_id, reviewer_id)
        scales[proposal_id] = (scale_min, scale_max)
        values = criterion_values.setdefault(proposal_id, {}).setdefault(criterion_id, [])
        if value is not None:
            values.append(value)

    for assignment_id, pairs in per_assignment.items():
        proposal_id, reviewer_id = reviewer_of[assignment_id]
        total = weighted_total(pairs)
        if total is not None:
            result[proposal_id].reviewer_totals[reviewer_id] = total

    for proposal_id, agg in result.items():
        if proposal_id in scales:
            agg.scale_min, agg.scale_max = scales[proposal_id]
        all_values = []
        for criterion_id, values in criterion_values.get(proposal_id, {}).items():
            agg.criterion_means[criterion_id] = (
                _q(Decimal(sum(values)) / len(values)) if values else None
            )
            all_values.extend(values)
        if all_values:
            agg.mean = _q(Decimal(sum(all_values)) / len(all_values))
        totals = list(agg.reviewer_totals.values())
        if totals:
            agg.weighted_total = _q(sum(totals, Decimal(0)) / len(totals))
            agg.median = _q(Decimal(statistics.median(totals)))
            agg.spread = _q(max(totals) - min(totals))
            width = Decimal((agg.scale_max or 0) - (agg.scale_min or 0))
            agg.disagreement = bool(
                width
                and len(totals) > 1
                and max(totals) - min(totals) >= DISAGREEMENT_SHARE * width
            )
        agg.reviewer_totals = {k: _q(v) for k, v in agg.reviewer_totals.items()}
    return result


def aggregate_for(proposal) -> ProposalAggregate:
    return aggregates_for([proposal.pk])[proposal.pk]


@dataclass
class RankingRow:
    rank: int | None
    proposal: object
    aggregate: ProposalAggregate


def rank_proposals(proposals) -> list[RankingRow]:
    """``proposals`` ordered by weighted total, highest first; equal totals share a rank;
    proposals without any submitted review come last, unranked (by receipt number)."""
    proposals = list(proposals)
    aggs = aggregates_for([p.pk for p in proposals])
    scored = [p for p in proposals if aggs[p.pk].weighted_total is not None]
    unscored = [p for p in proposals if aggs[p.pk].weighted_total is None]
    scored.sort(key=lambda p: (-aggs[p.pk].weighted_total, p.receipt_number or "", p.pk))
    unscored.sort(key=lambda p: (p.receipt_number or "", p.pk))
    rows: list[RankingRow] = []
    previous, rank = None, 0
    for position, proposal in enumerate(scored, start=1):
        total = aggs[proposal.pk].weighted_total
        if total != previous:
            rank, previous = position, total
        rows.append(RankingRow(rank, proposal, aggs[proposal.pk]))
    rows.extend(RankingRow(None, p, aggs[p.pk]) for p in unscored)
    return rows


def theme_proposals(theme):
    """The proposals of a call that take part in its ranking: submitted, not withdrawn."""
    return (
        Proposal.objects.filter(theme=theme)
        .exclude(state__in=("draft", "withdrawn"))
        .select_related("organization", "programme")
    )


def theme_ranking(theme) -> list[RankingRow]:
    return rank_proposals(theme_proposals(theme))


def letters(n: int) -> list[str]:
    """A, B, … Z, AA, AB, … — the anonymous names of reviewers (審査員A, B…)."""
    names = []
    for i in range(n):
        name, k = "", i
        while True:
            name = chr(ord("A") + k % 26) + name
            k = k // 26 - 1
            if k < 0:
                break
        names.append(name)
    return names
