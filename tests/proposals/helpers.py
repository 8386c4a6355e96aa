"""The cases of the lifecycle tests, generated from the transitions declared on ``Proposal``
(django-fsm) that tests.factories walks: a new transition or a new source state is covered
without editing a test."""

from __future__ import annotations

from proposals.models import Proposal
from proposals.states import Kind

from ..factories import ALL_TRANSITIONS, condition_names

# One case per (action, source state).
BY_CASE = {(t.name, str(t.source)): t for t in ALL_TRANSITIONS}
TRANSITION_CASES = sorted(BY_CASE)


def kind_for(t) -> str:
    """The kind of proposal that can take transition ``t``."""
    return Kind.CONSULTATION if "is_consultation" in condition_names(t) else Kind.PROPOSAL


def db_state(proposal: Proposal) -> str:
    """The state as stored, whatever the object in memory says."""
    return Proposal.objects.values_list("state", flat=True).get(pk=proposal.pk)
