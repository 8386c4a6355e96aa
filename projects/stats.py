"""Public statistics of adopted projects: aggregates only, never a name.

Four queries, whatever the number of projects and proposals:

1. published projects per fiscal year;
2. published projects per field (every field listed, also with none);
3. published projects per status (every status listed);
4. adopted and declined proposals, and adopted ones from startups, per fiscal year of receipt
   (``proposals.stats.public_decisions_per_fiscal_year``).

Definitions (the page states them too):

* **Projects** are the published projects the public list shows.
* **Adoption rate**: proposals adopted (or in agreement, in the field, completed) ÷ those
  adopted or declined, per fiscal year of receipt. Not accepted at intake, withdrawn, closed
  consultations and open proposals are not counted.
* **From startups**: adopted proposals from organisations registered as startups ÷ all
  adopted proposals.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from core.documents import charts
from core.documents.charts import Rate, percent
from proposals.stats import PublicDecisionRow, public_decisions_per_fiscal_year

from .filters import fiscal_year_label
from .models import Field, Project, Status


@dataclass(frozen=True)
class YearRow(PublicDecisionRow):
    """One fiscal year of the statistics: the year's decisions and its published projects."""

    projects: int = 0

    @property
    def label(self) -> str:
        return fiscal_year_label(self.fiscal_year)

    @property
    def startup_share(self) -> Rate:
        return self.startup_share_of_adopted

    @property
    def adoption_rate_text(self) -> str:
        return percent(self.adoption_rate)

    @property
    def startup_share_text(self) -> str:
        return percent(self.startup_share)


@dataclass(frozen=True)
class CountRow:
    """A label and how many published projects it has (a field or a status)."""

    key: str
    label: str
    count: int


@dataclass
class PublicStatistics:
    years: list[YearRow]
    fields: list[CountRow]
    statuses: list[CountRow]

    @property
    def published(self) -> int:
        return sum(row.projects for row in self.years)

    @property
    def declined(self) -> int:
        return sum(row.declined for row in self.years)

    @property
    def adoption_rate(self) -> Rate:
        return Rate(sum(r.adopted for r in self.years), sum(r.decided for r in self.years))

    @property
    def startup_share(self) -> Rate:
        return Rate(sum(r.adopted_startups for r in self.years), sum(r.adopted for r in self.years))


def published_per_fiscal_year() -> dict[int, int]:
    rows = Project.objects.published().order_by().values("fiscal_year").annotate(n=Count("pk"))
    return {row["fiscal_year"]: row["n"] for row in rows}


def published_per_field() -> list[CountRow]:
    """Every field, with its number of published projects (a project in two fields counts in
    both)."""
    published = Project.objects.published().values("pk")
    fields = Field.objects.annotate(
        n=Count("projects", filter=Q(projects__in=published), distinct=True),
    ).order_by("sort_order", "pk")  # Meta.ordering does not apply to a GROUP BY query
    return [CountRow(field.code, field.localized_name, field.n) for field in fields]


def published_per_status() -> list[CountRow]:
    found = dict(
        Project.objects.published().order_by().values_list("status").annotate(n=Count("pk"))
    )
    return [CountRow(value, str(label), found.get(value, 0)) for value, label in Status.choices]


def public_statistics() -> PublicStatistics:
    """Everything the statistics page shows (four queries)."""
    projects = published_per_fiscal_year()
    decisions: dict[int, PublicDecisionRow] = {
        row.fiscal_year: row for row in public_decisions_per_fiscal_year()
    }
    years_seen = set(projects) | set(decisions)
    years = []
    if years_seen:
        for year in range(max(years_seen), min(years_seen) - 1, -1):  # newest first
            decision = decisions.get(year)
            years.append(
                YearRow(
                    fiscal_year=year,
                    projects=projects.get(year, 0),
                    adopted=decision.adopted if decision else 0,
                    declined=decision.declined if decision else 0,
                    adopted_startups=decision.adopted_startups if decision else 0,
                )
            )
    return PublicStatistics(
        years=years, fields=published_per_field(), statuses=published_per_status()
    )


# --- charts (the page puts the same data in tables) --------------------------------------------


def _rate_chart(rows: list[tuple[str, Rate]], *, chart_id: str, title: str):
    description = (
        "; ".join(
            _("%(label)s: %(percent)s (%(part)s of %(whole)s)")
            % {
                "label": label,
                "percent": percent(rate),
                "part": charts.number(rate.numerator),
                "whole": charts.number(rate.denominator),
            }
            for label, rate in rows
        )
        + "."
        if rows
        else None
    )
    return charts.bar_chart(
        [
            (label, rate.percent, percent(rate) if rate.percent is not None else None)
            for label, rate in rows
        ],
        chart_id=chart_id,
        title=title,
        max_value=100,
        track=True,
        description=description,
    )


def build_charts(data: PublicStatistics) -> dict:
    """The SVG of each chart, oldest fiscal year first (the tables list newest first)."""
    oldest_first = list(reversed(data.years))
    return {
        "projects": charts.bar_chart(
            [(row.label, row.projects) for row in oldest_first],
            chart_id="chart-projects",
            title=_("Published projects per fiscal year"),
        ),
        "adoption": _rate_chart(
            [(row.label, row.adoption_rate) for row in oldest_first],
            chart_id="chart-adoption",
            title=_("Adoption rate per fiscal year (per cent)"),
        ),
        "startups": _rate_chart(
            [(row.label, row.startup_share) for row in oldest_first],
            chart_id="chart-startups",
            title=_("Share of adopted proposals from startups per fiscal year (per cent)"),
        ),
        "fields": charts.bar_chart(
            [(row.label, row.count) for row in data.fields],
            chart_id="chart-fields",
            title=_("Published projects per field"),
        ),
        "statuses": charts.bar_chart(
            [(row.label, row.count) for row in data.statuses],
            chart_id="chart-statuses",
            title=_("Published projects per status"),
        ),
    }
