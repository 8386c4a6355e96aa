"""Reads that pages share. Each returns a queryset with what its page needs preloaded."""

from __future__ import annotations

from django.db.models import Prefetch

from core import rules

from .models import Attachment, Message, Proposal, ProposalTransition


def proposals_for(user):
    """Proposals ``user`` may see, with what a list row shows, in a constant number of queries."""
    return (
        Proposal.objects.filter(rules.proposals_visible_q(user))
        .select_related("organization", "programme", "lead", "theme")
        .order_by("-submitted_at", "-created_at", "-pk")
    )


def proposal_detail(user, pk: int) -> Proposal | None:
    """One proposal with its log and actors preloaded, or None when ``user`` may not see it."""
    proposal = (
        Proposal.objects.filter(pk=pk)
        .select_related("organization", "programme", "lead", "created_by", "theme")
        .prefetch_related(
            "desired_departments",
            Prefetch("transitions", queryset=ProposalTransition.objects.select_related("actor")),
            "consents__document",
            Prefetch("attachments", queryset=Attachment.objects.order_by("created_at", "pk")),
        )
        .first()
    )
    if proposal is None or not rules.can_view_proposal(user, proposal):
        return None
    return proposal


def proposal_to_submit(user, pk: int) -> Proposal | None:
    """One proposal with only what submitting it reads (its call, programme, organisation and
    accepted consents), or None when ``user`` may not see it. The submit request is the one
    that arrives 200 at a time at a call's closing: it loads no log, files or departments."""
    proposal = (
        Proposal.objects.filter(pk=pk)
        .select_related("organization", "programme", "theme")
        .prefetch_related("consents")
        .first()
    )
    if proposal is None or not rules.can_view_proposal(user, proposal):
        return None
    return proposal


def dialogue_for(user, proposal) -> list[Message]:
    """The messages ``user`` may read, oldest first, with authors and files (two queries)."""
    visibilities = rules.message_visibilities_for(user, proposal)
    if not visibilities:
        return []
    return list(
        Message.objects.filter(proposal=proposal, visibility__in=visibilities)
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )
