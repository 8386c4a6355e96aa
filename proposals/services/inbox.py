"""The desk inbox's writes: assigning a lead to many proposals at once."""

from __future__ import annotations

import logging

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, people, rules

from ..models import Proposal

logger = logging.getLogger(__name__)


class InboxActionError(Exception):
    """A bulk action that cannot be carried out; ``message`` is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def desk_users():
    """Everyone who has been desk staff or desk manager (inactive ones too, so the inbox can
    still filter by a former lead), by name."""
    return people.desk_members(include_inactive=True)


def assign_lead(proposals, lead, actor) -> int:
    """Make ``lead`` the desk's lead for ``proposals`` (ids or a queryset), in one UPDATE.

    ``lead=None`` removes the lead. Only the desk may assign, and only a desk user may lead.
    Proposals the actor may not see (drafts) are left alone. Returns how many were changed.
    """
    if not rules.can_use_back_office(actor):
        raise InboxActionError(_("Only the desk can assign proposals."))
    if lead is not None and not rules.can_use_back_office(lead):
        raise InboxActionError(_("Only desk staff or the desk manager can lead a proposal."))
    if isinstance(proposals, QuerySet):
        ids = proposals.order_by().values("pk")
    else:
        ids = [int(pk) for pk in proposals]
    count = (
        Proposal.objects.filter(pk__in=ids)
        .filter(rules.proposals_visible_q(actor))
        .update(lead=lead, updated_at=timezone.now())
    )
    logger.info("%s assigned %d proposals to lead %s", actor.pk, count, lead.pk if lead else None)

    listed = ids if isinstance(ids, list) else "filter"
    audit.record(
        actor,
        "assign_lead",
        f"lead:{lead.pk if lead else 'none'}",
        detail=f"{count} proposals: {listed}"[:300],
    )
    return count
