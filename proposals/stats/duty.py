"""The duty to answer (PFI法 art. 6: "without delay"): how long proposals and referrals wait.

* **Duty to answer**: a proposal waits from the day it was received until the desk first
  answers it (``first_response_at``: the first desk transition or message to the business).
  It is *past the target* when it has waited more than ``DESK_RESPONSE_TARGET_DAYS`` calendar
  days (Japan time), is still open, and has no first response. Days are calendar days in
  Japan time: received on 1 April, it has waited 14 days on 15 April and is overdue on 16 April
  with the default target of 14.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Window

from core import dates
from core.dates import JAPAN

from ..models import Proposal, Referral
from ..states import OPEN_STATES


@dataclass
class Overdue:
    """One page of an overdue list and how many there are in all."""

    items: list = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.items)


# --- Time helpers -----------------------------------------------------------------------------


def response_target_days() -> int:
    return settings.DESK_RESPONSE_TARGET_DAYS


# --- The duty to answer -----------------------------------------------------------------------


def days_waiting(proposal: Proposal, today: dt.date | None = None) -> int | None:
    """Calendar days (Japan time) since intake without a first response from the desk.

    None for a draft, once the desk has answered, and once the proposal is no longer open
    (e.g. withdrawn before any answer: nobody is waiting any more).
    """
    if (
        proposal.submitted_at is None
        or proposal.first_response_at is not None
        or proposal.state not in OPEN_STATES
    ):
        return None
    received = proposal.submitted_at.astimezone(JAPAN).date()
    return max(0, ((today or dates.today()) - received).days)


def is_response_overdue(days: int | None) -> bool:
    """Past the desk's target (``DESK_RESPONSE_TARGET_DAYS``)?"""
    return days is not None and days > response_target_days()


def duty_context(proposal: Proposal, today: dt.date | None = None) -> dict:
    """What ``proposals/desk/_days_waiting.html`` needs, to merge into a page's context."""
    days = days_waiting(proposal, today)
    return {
        "days_waiting": days,
        "response_overdue": is_response_overdue(days),
        "response_target_days": response_target_days(),
    }


def overdue_proposals_queryset(today: dt.date | None = None):
    """Open proposals without a first response, waiting more than the target (oldest first).

    ``days_waiting > target`` ⇔ received before the start (Japan time) of ``today − target``,
    so the filter is a plain range on ``submitted_at``.
    """
    cutoff = dates.start_of_day(
        (today or dates.today()) - dt.timedelta(days=response_target_days())
    )
    return (
        Proposal.objects.filter(
            state__in=OPEN_STATES, first_response_at__isnull=True, submitted_at__lt=cutoff
        )
        .select_related("organization", "lead")
        .order_by("submitted_at", "pk")
    )


def overdue_referrals_queryset(today: dt.date | None = None):
    """Referrals not answered by their deadline, on proposals that are still open (a decided or
    withdrawn proposal needs no answer any more), most overdue first."""
    return (
        Referral.objects.filter(
            answered_at__isnull=True,
            due_date__lt=(today or dates.today()),
            proposal__state__in=OPEN_STATES,
        )
        .select_related("proposal", "department")
        .order_by("due_date", "pk")
    )


#: COUNT(*) OVER (): the size of the whole list on each row of its first page, so a page and
#: its total come back in one query.
_TOTAL = Window(Count("pk"))


def overdue_proposals(today: dt.date | None = None, limit: int = 50) -> Overdue:
    """The ``limit`` proposals waiting longest past the target, and their total (one query).

    Each item is ``(proposal, days_waiting)``.
    """
    today = today or dates.today()
    rows = list(overdue_proposals_queryset(today).annotate(total=_TOTAL)[:limit])
    return Overdue([(p, days_waiting(p, today)) for p in rows], rows[0].total if rows else 0)


def overdue_referrals(today: dt.date | None = None, limit: int = 50) -> Overdue:
    """The ``limit`` most overdue unanswered referrals, and their total (one query).

    Each item is ``(referral, days_overdue)``.
    """
    today = today or dates.today()
    rows = list(overdue_referrals_queryset(today).annotate(total=_TOTAL)[:limit])
    return Overdue([(r, (today - r.due_date).days) for r in rows], rows[0].total if rows else 0)
