"""The desk's dashboard: the duty to answer (what is overdue) and the figures of the desk, with
charts drawn on the server as accessible SVG, each followed by its data as a table.

Desk staff and the desk manager only; everyone else signed in gets 404 (the page's existence
is nobody else's business), anonymous visitors are sent to sign in. A fixed number of queries
whatever the data (see ``proposals.stats``).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core import rules
from core.documents import charts

from . import stats


def fiscal_year_label(year: int) -> str:
    """2026年度 in Japanese, FY2026 in English (fiscal years start in April)."""
    if (get_language() or "ja").startswith("ja"):
        return f"{year}年度"
    return f"FY{year}"


def month_label(month) -> str:
    """2026年4月 / Apr 2026."""
    if (get_language() or "ja").startswith("ja"):
        return f"{month.year}年{month.month}月"
    return f"{month:%b} {month.year}"


def _shares(data: stats.Dashboard) -> list[tuple[str, charts.Rate]]:
    return [
        (_("Adoption rate"), data.adoption_rate),
        (_("Startups among all proposals"), data.startup_share),
        (_("Startups among adopted proposals"), data.startup_share_of_adopted),
    ]


def _share_chart(data: stats.Dashboard):
    """Percentages on a 0–100 scale; the counts behind them go into the text alternative (and
    the table), the bars' labels stay short enough for a 320 px screen."""
    shares = _shares(data)
    description = (
        "; ".join(
            _("%(label)s: %(percent)s (%(part)s of %(whole)s)")
            % {
                "label": label,
                "percent": charts.percent(rate),
                "part": charts.number(rate.numerator),
                "whole": charts.number(rate.denominator),
            }
            for label, rate in shares
        )
        + "."
    )
    return charts.bar_chart(
        [
            (label, rate.percent, charts.percent(rate) if rate.percent is not None else None)
            for label, rate in shares
        ],
        chart_id="chart-shares",
        max_value=100,
        track=True,
        description=description,
        title=_("Adoption rate and share from startups (per cent)"),
    )


def build_charts(data: stats.Dashboard) -> dict:
    """The SVG of each chart (its table is in the template)."""
    return {
        "funnel": charts.funnel_chart(
            [(s.label, s.count) for s in data.funnel],
            chart_id="chart-funnel",
            title=_("Funnel: proposals that reached each stage or a later one"),
        ),
        "months": charts.bar_chart(
            [(month_label(m.month), m.count) for m in data.months],
            chart_id="chart-months",
            title=_("Proposals received per month, last 12 months"),
        ),
        "fiscal_years": charts.bar_chart(
            [(fiscal_year_label(y.fiscal_year), y.intake) for y in data.fiscal_years],
            chart_id="chart-fiscal-years",
            title=_("Proposals received per fiscal year"),
        ),
        "shares": _share_chart(data),
        "durations": charts.bar_chart(
            [
                (
                    d.label,
                    d.median_days,
                    None
                    if d.median_days is None
                    else _("%(days)s days") % {"days": charts.number(d.median_days, 1)},
                )
                for d in data.durations
            ],
            chart_id="chart-durations",
            title=_("Median days spent in each state"),
        ),
    }


@login_required
@require_GET
def dashboard(request):
    if not rules.can_use_back_office(request.user):
        raise Http404
    data = stats.dashboard()
    fiscal_years = [
        {
            "row": y,
            "label": fiscal_year_label(y.fiscal_year),
            "adoption_rate": charts.percent(y.adoption_rate),
            "startup_share": charts.percent(y.startup_share),
        }
        for y in data.fiscal_years
    ]
    return render(
        request,
        "proposals/desk/dashboard.html",
        {
            "data": data,
            "charts": build_charts(data),
            "months": [
                {"label": month_label(m.month), "month": m.month, "count": m.count}
                for m in data.months
            ],
            "fiscal_years": fiscal_years,
            "adoption_rate": charts.percent(data.adoption_rate),
            "startup_share": charts.percent(data.startup_share),
            "startup_share_of_adopted": charts.percent(data.startup_share_of_adopted),
            "durations": [
                {
                    "row": d,
                    "days": None if d.median_days is None else charts.number(d.median_days, 1),
                }
                for d in data.durations
            ],
        },
    )
