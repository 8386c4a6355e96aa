"""Reads of referrals that pages share; what each user gets is decided by ``core.rules``.

Each function returns what its page shows, preloaded, in a constant number of queries.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, CharField, Count, Prefetch, Q, Value, When
from django.urls import reverse

from core import dates, rules

from .models import Referral, ReferralMessage
from .services.referrals import OPEN_STATES


class Status:
    """Where a referral stands, for the department's list and its filters."""

    OPEN = "open"  # waiting for the answer, deadline not passed
    OVERDUE = "overdue"  # waiting for the answer, deadline passed
    ANSWERED = "answered"
    CLOSED = "closed"  # never answered, and the proposal is no longer open


def status_annotation(today: dt.date) -> Case:
    return Case(
        When(answered_at__isnull=False, then=Value(Status.ANSWERED)),
        When(~Q(proposal__state__in=OPEN_STATES), then=Value(Status.CLOSED)),
        When(due_date__lt=today, then=Value(Status.OVERDUE)),
        default=Value(Status.OPEN),
        output_field=CharField(),
    )


def referrals_for_department(user, today: dt.date | None = None):
    """The referrals ``user`` (a department member) may see, each with its proposal and a
    ``status`` annotation, unanswered first, soonest deadline first. Empty for anyone else:
    the desk has its own pages."""
    if not rules.can_use_department_portal(user):
        return Referral.objects.none()
    today = today or dates.today()
    return (
        Referral.objects.filter(rules.referrals_visible_q(user))
        .select_related("proposal")
        .annotate(
            status=status_annotation(today),
            waiting=Case(When(answered_at__isnull=True, then=Value(0)), default=Value(1)),
        )
        .order_by("waiting", "due_date", "pk")
    )


def status_counts(queryset) -> dict[str, int]:
    """How many referrals of ``queryset`` (annotated with ``status``) are in each status, in
    one query."""
    totals = queryset.aggregate(
        **{
            name: Count("pk", filter=Q(status=name))
            for name in (Status.OPEN, Status.OVERDUE, Status.ANSWERED, Status.CLOSED)
        }
    )
    totals["unanswered"] = totals[Status.OPEN] + totals[Status.OVERDUE]
    totals["all"] = sum(
        totals[name] for name in (Status.OPEN, Status.OVERDUE, Status.ANSWERED, Status.CLOSED)
    )
    return totals


def _messages():
    return Prefetch(
        "messages",
        queryset=ReferralMessage.objects.select_related("author").order_by("created_at", "pk"),
    )


def department_referral(user, pk: int) -> Referral | None:
    """One referral to ``user``'s department, with the proposal and what its page shows, or
    None (a guessed id of another department's referral looks like one that does not exist)."""
    if not rules.can_use_department_portal(user):
        return None
    referral = (
        Referral.objects.filter(rules.referrals_visible_q(user), pk=pk)
        .select_related(
            "proposal__organization", "proposal__programme", "department", "answered_by"
        )
        .prefetch_related(_messages())
        .first()
    )
    if referral is None or not rules.can_view_referral(user, referral):
        return None
    if not rules.can_view_proposal(user, referral.proposal):
        return None
    return referral


def desk_referral(user, pk: int) -> Referral | None:
    """One referral for the desk's page, or None when ``user`` is not the desk."""
    if not rules.can_use_back_office(user):
        return None
    referral = (
        Referral.objects.filter(rules.referrals_visible_q(user), pk=pk)
        .select_related("proposal__organization", "department", "answered_by", "created_by")
        .prefetch_related(_messages())
        .first()
    )
    if (
        referral is None
        or not rules.can_view_referral(user, referral)
        or not rules.can_view_opinions(user, referral.proposal)
    ):
        return None
    return referral


def referrals_for_panel(user, proposal) -> list[Referral]:
    """Every department's referral of ``proposal`` for the desk's panel (opinions side by side),
    with department, author, answerer and messages preloaded: two queries however many. Empty
    for anyone who may not see all the opinions."""
    if not rules.can_view_opinions(user, proposal):
        return []
    return list(
        Referral.objects.filter(rules.referrals_visible_q(user), proposal=proposal)
        .select_related("department", "answered_by", "created_by")
        .prefetch_related(_messages())
        .order_by("department__code", "pk")
    )


def referral_panel_context(user, proposal) -> dict:
    """What ``templates/proposals/desk/_referrals_panel.html`` needs, for the proposal's detail
    page: ``{"referrals": [...], "refer_url": ... or None, "show_referrals": bool}``."""
    show = rules.can_view_opinions(user, proposal)
    return {
        "show_referrals": show,
        "referrals": referrals_for_panel(user, proposal) if show else [],
        "refer_url": (
            reverse("desk:refer", args=[proposal.pk]) if rules.can_refer(user, proposal) else None
        ),
    }
