"""Reads for the desk's figures, by page: the duty to answer (``duty``: the inbox, the proposal
page, the daily digest), the dashboard (``dashboard``) and the decision counts of the public
statistics (``public``). Every function runs one aggregate query, whatever the number of
proposals; nothing here writes. The names are importable from ``proposals.stats``."""

from .dashboard import (
    COUNTED_STATES,
    DECIDED_STATES,
    FUNNEL_STAGES,
    TIMED_STATES,
    Dashboard,
    FiscalYearRow,
    FunnelStage,
    MonthCount,
    StateCount,
    StateDuration,
    adoption_rate,
    dashboard,
    funnel,
    intake_per_fiscal_year,
    intake_per_month,
    median_days_in_state,
    startup_share,
    startup_share_of_adopted,
    state_counts,
)
from .duty import (
    Overdue,
    days_waiting,
    duty_context,
    is_response_overdue,
    overdue_proposals,
    overdue_proposals_queryset,
    overdue_referrals,
    overdue_referrals_queryset,
    response_target_days,
)
from .public import PublicDecisionRow, public_decisions_per_fiscal_year

__all__ = [
    "COUNTED_STATES", "DECIDED_STATES", "FUNNEL_STAGES", "TIMED_STATES", "Dashboard",
    "FiscalYearRow", "FunnelStage", "MonthCount", "Overdue", "PublicDecisionRow", "StateCount",
    "StateDuration", "adoption_rate", "dashboard", "days_waiting", "duty_context", "funnel",
    "intake_per_fiscal_year", "intake_per_month", "is_response_overdue", "median_days_in_state", "overdue_proposals", "overdue_proposals_queryset",
    "overdue_referrals", "overdue_referrals_queryset", "public_decisions_per_fiscal_year",
    "response_target_days", "startup_share", "startup_share_of_adopted", "state_counts",
]
