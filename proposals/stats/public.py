"""Decision counts for the public statistics page (``projects.stats``): counts only, never a
name or a title."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from core.documents.charts import Rate

from ..models import Proposal
from ..states import ADOPTED_STATES, State


@dataclass(frozen=True)
class PublicDecisionRow:
    """Counts only, per fiscal year of receipt, for the public statistics page: proposals
    adopted (or beyond), declined, and adopted ones from startups. Nothing else about a
    proposal is public."""

    fiscal_year: int
    adopted: int
    declined: int
    adopted_startups: int

    @property
    def decided(self) -> int:
        return self.adopted + self.declined

    @property
    def adoption_rate(self) -> Rate:
        return Rate(self.adopted, self.decided)

    @property
    def startup_share_of_adopted(self) -> Rate:
        return Rate(self.adopted_startups, self.adopted)


def public_decisions_per_fiscal_year() -> list[PublicDecisionRow]:
    """Adopted and declined proposals per fiscal year of receipt (one GROUP BY query), every
    year from the first to the last with a decision listed.

    The public adoption rate is adopted ÷ (adopted + declined): a proposal not accepted at
    intake was never weighed on its merits, and withdrawn, closed or open ones were never
    decided. (The desk's dashboard counts "not accepted" among the decided; the public page
    states its own definition.)
    """
    rows = (
        Proposal.objects.filter(
            fiscal_year__isnull=False, state__in=(*ADOPTED_STATES, State.DECLINED)
        )
        .order_by()
        .values("fiscal_year")
        .annotate(
            adopted=Count("pk", filter=Q(state__in=ADOPTED_STATES)),
            declined=Count("pk", filter=Q(state=State.DECLINED)),
            adopted_startups=Count(
                "pk", filter=Q(state__in=ADOPTED_STATES, organization__is_startup=True)
            ),
        )
    )
    found = {row["fiscal_year"]: row for row in rows}
    if not found:
        return []
    return [
        PublicDecisionRow(
            year,
            *(found.get(year, {}).get(k, 0) for k in ("adopted", "declined", "adopted_startups")),
        )
        for year in range(min(found), max(found) + 1)
    ]
