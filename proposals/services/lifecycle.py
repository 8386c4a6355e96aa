"""The lifecycle: the only way a proposal changes state.

``transition_proposal`` checks the role (via ``core.rules``), the state and the conditions,
requires a reason for decisions, applies the django-fsm transition, saves with optimistic
locking and appends the log row — all in one database transaction, so a failure leaves
nothing half-written. The e-mails it causes are written to the outbox in that transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, can_proceed

from core import rules
from core.dates import fiscal_year

from .. import notifications, signals
from ..models import Proposal, ProposalTransition, ReceiptSequence
from ..states import Outcome, State


class LifecycleError(Exception):
    """A lifecycle request that cannot be carried out; ``message`` is for the user."""

    code = "lifecycle"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotPermitted(LifecycleError):
    code = "not_permitted"


class NotAllowedNow(LifecycleError):
    code = "not_allowed_now"


class ReasonRequired(LifecycleError):
    code = "reason_required"


class ConflictingChange(LifecycleError):
    code = "conflict"


@dataclass(frozen=True)
class Action:
    """What the interface needs to offer a transition: label, whether a reason is required."""

    name: str
    label: str
    reason_required: bool = False
    note_required: bool = False
    outcome_required: bool = False
    is_decision: bool = False


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action("submit", gettext_lazy("Submit")),
        Action("start_dialogue", gettext_lazy("Start dialogue")),
        Action("request_revision", gettext_lazy("Request more information"), note_required=True),
        Action("resubmit", gettext_lazy("Send the revised proposal")),
        Action("start_coordination", gettext_lazy("Start coordination with departments")),
        Action("return_to_dialogue", gettext_lazy("Return to dialogue")),
        Action("start_review", gettext_lazy("Start review")),
        Action("adopt", gettext_lazy("Adopt"), reason_required=True, is_decision=True),
        Action("decline", gettext_lazy("Decline"), reason_required=True, is_decision=True),
        Action("not_accept", gettext_lazy("Not accept"), reason_required=True, is_decision=True),
        Action("close_consultation", gettext_lazy("Close the consultation")),
        Action("conclude_agreement", gettext_lazy("Record the agreement")),
        Action("start_field", gettext_lazy("Start the project in the field")),
        Action("complete", gettext_lazy("Complete"), outcome_required=True),
        Action("withdraw", gettext_lazy("Withdraw"), reason_required=True),
    ]
}


def _transition_method(proposal: Proposal, action: str):
    if action not in ACTIONS:
        raise NotAllowedNow(_("Unknown action."))
    return getattr(proposal, action)


def available_actions(proposal: Proposal, user) -> list[Action]:
    """The transitions ``user`` may take on ``proposal`` now (state, conditions and role)."""
    result = []
    for transition in proposal.get_available_state_transitions():
        if transition.has_perm(proposal, user) and transition.name in ACTIONS:
            action = ACTIONS[transition.name]
            if action not in result:
                result.append(action)
    return result


def next_receipt_number(when=None) -> tuple[str, int]:
    """The next receipt number of the fiscal year, e.g. ``KD-2026-00042``.

    The counter is incremented with a single UPDATE … SET last = last + 1, which both
    PostgreSQL and SQLite serialise, so two submissions never get the same number. It runs
    inside the caller's transaction: a rolled-back submission gives its number back.
    """
    year = fiscal_year(when)
    for _attempt in range(3):
        updated = ReceiptSequence.objects.filter(fiscal_year=year).update(
            last_number=F("last_number") + 1
        )
        if updated:
            break
        try:
            with transaction.atomic():
                ReceiptSequence.objects.create(fiscal_year=year, last_number=1)
            break
        except IntegrityError:  # somebody created the year's row at the same moment
            continue
    number = ReceiptSequence.objects.get(fiscal_year=year).last_number
    return f"{settings.RECEIPT_PREFIX}-{year}-{number:05d}", year


def transition_proposal(
    proposal: Proposal,
    action: str,
    actor,
    *,
    reason: str = "",
    note: str = "",
    outcome: str = "",
    expected_state: str | None = None,
    when=None,
) -> ProposalTransition:
    """Take lifecycle ``action`` on ``proposal`` as ``actor``.

    ``expected_state`` is the state the actor saw when it decided (sent back by forms): if the
    proposal has moved on since, the actor is told instead of acting on stale information.
    Raises a ``LifecycleError`` subclass with a message in the active language.

    ``when`` is the moment the request arrived (default now): a themed call's closing is
    judged by it, and a submission records it as ``submitted_at``, so a proposal sent before
    the closing second is accepted even if processing ends after it.
    """
    spec = ACTIONS.get(action)
    if spec is None:
        raise NotAllowedNow(_("Unknown action."))
    reason = (reason or "").strip()
    note = (note or "").strip()

    if not rules.may_transition(actor, proposal, action):
        raise NotPermitted(
            _("You are not permitted to do this (%(action)s).") % {"action": spec.label}
        )
    if expected_state is not None and expected_state != proposal.state:
        raise ConflictingChange(
            _(
                "Someone else changed this proposal while you were looking at it: it is now "
                "“%(state)s”. Reload the page and check before acting again."
            )
            % {"state": proposal.internal_label}
        )
    if spec.reason_required and not reason:
        raise ReasonRequired(_("Give a reason. The business receives it with the decision."))
    if spec.note_required and not note:
        raise ReasonRequired(_("Write what you need from the business."))
    if spec.outcome_required and outcome not in Outcome.values:
        raise ReasonRequired(_("Choose the outcome: rolled out or ended."))

    arrived = when or timezone.now()
    # Read by Proposal.submission_problems (the FSM condition takes no arguments).
    proposal._submission_time = arrived
    try:
        return _apply(proposal, action, actor, spec, reason, note, outcome, arrived)
    finally:
        proposal._submission_time = None


def _apply(proposal, action, actor, spec, reason, note, outcome, arrived) -> ProposalTransition:
    method = _transition_method(proposal, action)
    if not can_proceed(method, check_conditions=False):
        raise NotAllowedNow(
            _("“%(action)s” is not possible while the proposal is “%(state)s”.")
            % {"action": spec.label, "state": proposal.internal_label}
        )
    if not can_proceed(method):
        if action == "submit":
            problems = proposal.submission_problems(when=arrived)
            raise NotAllowedNow(
                _("The proposal cannot be submitted yet: %(problems)s")
                % {"problems": " ".join(problems)}
            )
        if (
            action == "adopt"
            and proposal.state == State.COORDINATION
            and proposal.is_proposal()
            and proposal.requires_review
        ):
            raise NotAllowedNow(_("This proposal must be reviewed before it can be adopted."))
        raise NotAllowedNow(
            _("“%(action)s” does not apply to this %(kind)s.")
            % {"action": spec.label, "kind": proposal.get_kind_display()}
        )

    from_state = proposal.state
    now = timezone.now()
    try:
        with transaction.atomic():
            method()
            if action == "submit":
                proposal.receipt_number, proposal.fiscal_year = next_receipt_number(arrived)
                proposal.submitted_at = arrived
            if (
                proposal.first_response_at is None
                and from_state != State.DRAFT
                and action not in rules.BUSINESS_ACTIONS
            ):
                proposal.first_response_at = now  # the duty to answer is met
            if spec.is_decision:
                proposal.decision_reason = reason
                proposal.decided_at = now
            if action == "complete":
                proposal.outcome = outcome
            proposal.save()
            entry = ProposalTransition.objects.create(
                proposal=proposal,
                actor=actor,
                action=action,
                from_state=from_state,
                to_state=proposal.state,
                reason=reason,
                note=note,
                created_at=now,
            )
            # The e-mails are written to the outbox in this same transaction.
            notifications.transition_recorded(entry)
            signals.transition_recorded.send(sender=Proposal, entry=entry, actor=actor)
    except ConcurrentTransition:
        proposal.refresh_from_db()
        raise ConflictingChange(
            _(
                "Someone else changed this proposal at the same moment: it is now “%(state)s”. "
                "Your change was not saved. Reload the page and check before acting again."
            )
            % {"state": proposal.internal_label}
        ) from None
    except Exception:
        # The in-memory object must not keep a state the database refused. (If the caller's
        # own transaction is broken, reloading fails too; the original error matters more.)
        try:
            proposal.refresh_from_db()
        except Exception:
            pass
        raise
    return entry
