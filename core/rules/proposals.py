"""Proposals: who sees and changes them, their dialogue, files, documents and referrals."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Exists, OuterRef, Q

from .roles import (
    _active,
    is_administrator,
    is_business,
    is_department_member,
    is_desk,
    is_desk_manager,
    is_reviewer,
)

# Which role may take which lifecycle action. Every transition method on Proposal must be
# named here (a test checks), so a new transition cannot silently be open to everybody.
BUSINESS_ACTIONS = frozenset({"submit", "resubmit", "withdraw"})
DESK_ACTIONS = frozenset(
    {
        "start_dialogue",
        "request_revision",
        "start_coordination",
        "return_to_dialogue",
        "start_review",
        "not_accept",
        "close_consultation",
        "conclude_agreement",
        "start_field",
        "complete",
    }
)
MANAGER_ACTIONS = frozenset({"adopt", "decline"})
ALL_ACTIONS = BUSINESS_ACTIONS | DESK_ACTIONS | MANAGER_ACTIONS


# --- Proposals ------------------------------------------------------------------------------


def is_own_organization(user, proposal) -> bool:
    return (
        is_business(user)
        and user.organization_id is not None
        and user.organization_id == proposal.organization_id
    )


def can_view_proposal(user, proposal) -> bool:
    if not _active(user):
        return False
    if is_own_organization(user, proposal):
        return True
    if proposal.state == "draft":
        return False
    if is_desk(user) or is_administrator(user):
        return True
    if is_department_member(user):
        return proposal.referrals.filter(department_id=user.department_id).exists()
    if is_reviewer(user):
        return proposal.review_assignments.filter(
            reviewer_id=user.pk, conflict_declared=False
        ).exists()
    return False


def proposals_visible_q(user) -> Q:
    """The same rule as ``can_view_proposal``, as a filter for lists.

    Referrals and assignments are tested with EXISTS, not joins, so a list never needs
    DISTINCT and its row count is never multiplied.
    """
    nothing = Q(pk__in=[])
    if not _active(user):
        return nothing
    if is_business(user):
        return Q(organization_id=user.organization_id) if user.organization_id else nothing
    submitted = ~Q(state="draft")
    if is_desk(user) or is_administrator(user):
        return submitted
    if is_department_member(user):
        referral = apps.get_model("proposals", "Referral")
        return submitted & Q(
            Exists(
                referral.objects.filter(
                    proposal_id=OuterRef("pk"), department_id=user.department_id
                )
            )
        )
    if is_reviewer(user):
        assignment = apps.get_model("reviews", "ReviewAssignment")
        return submitted & Q(
            Exists(
                assignment.objects.filter(
                    proposal_id=OuterRef("pk"), reviewer_id=user.pk, conflict_declared=False
                )
            )
        )
    return nothing


def can_edit_proposal(user, proposal) -> bool:
    """Change the content: the business, while it is a draft or more is asked of it."""
    return is_own_organization(user, proposal) and proposal.state in ("draft", "revision_requested")


def can_view_internal_notes(user, proposal) -> bool:
    """Internal notes and department opinions: the desk only."""
    return is_desk(user) and proposal.state != "draft"


def can_view_full_log(user, proposal) -> bool:
    """The internal transition log (who at the city did what). The business sees its own
    timeline with business-facing labels instead."""
    return (is_desk(user) or is_administrator(user)) and proposal.state != "draft"


def identity_hidden_by_blind_review(user, proposal) -> bool:
    """A reviewer of a call configured as blind never learns who proposed (name, contact data,
    files). Reviewers of other calls and of always-open proposals see the business."""
    if not is_reviewer(user):
        return False
    theme = proposal.theme if proposal.theme_id else None
    return theme is not None and theme.is_blind


def can_view_business_identity(user, proposal) -> bool:
    """Who proposed and how to reach them: whoever sees the proposal, except a blind call's
    reviewers."""
    return can_view_proposal(user, proposal) and not identity_hidden_by_blind_review(user, proposal)


def may_transition(user, proposal, action: str) -> bool:
    """May ``user`` take lifecycle ``action`` on ``proposal``? (Not whether the state allows it.)"""
    if not _active(user):
        return False
    if action in BUSINESS_ACTIONS:
        return is_own_organization(user, proposal)
    if action in MANAGER_ACTIONS:
        allowed = is_desk_manager(user)
    elif action in DESK_ACTIONS:
        allowed = is_desk(user)
    else:
        return False
    # The desk never acts on (or learns of) a draft it cannot see.
    return allowed and can_view_proposal(user, proposal)


# --- Dialogue and files ---------------------------------------------------------------------


def can_read_dialogue(user, proposal) -> bool:
    """The thread between the business and the desk: those two only, never departments or
    reviewers."""
    if not can_view_proposal(user, proposal) or proposal.state == "draft":
        return False
    return is_own_organization(user, proposal) or is_desk(user)


def can_read_message(user, message) -> bool:
    proposal = message.proposal
    if message.visibility == "internal":
        return can_view_internal_notes(user, proposal)
    return can_read_dialogue(user, proposal)


def message_visibilities_for(user, proposal) -> tuple[str, ...]:
    """Which messages of ``proposal`` ``user`` reads (for list filters)."""
    if not can_read_dialogue(user, proposal):
        return ()
    if can_view_internal_notes(user, proposal):
        return ("business", "internal")
    return ("business",)


def can_post_message(user, proposal, visibility: str = "business") -> bool:
    if visibility == "internal":
        return can_view_internal_notes(user, proposal)
    return can_read_dialogue(user, proposal)


def can_download_attachment(user, attachment) -> bool:
    if attachment.message_id:
        return can_read_message(user, attachment.message)
    # A proposal's own files often name the business: a blind call's reviewers get none.
    return can_view_proposal(user, attachment.proposal) and can_view_business_identity(
        user, attachment.proposal
    )


def can_view_receipt(user, proposal) -> bool:
    """The receipt (受付票) is the business's document, addressed to it: the business and the
    city's desk (and administrators) only — it names the business, so never reviewers."""
    if not proposal.receipt_number or not can_view_proposal(user, proposal):
        return False
    return is_own_organization(user, proposal) or is_desk(user) or is_administrator(user)


def can_change_attachments(user, proposal) -> bool:
    """Add or remove the proposal's own files: whoever may edit its content."""
    return can_edit_proposal(user, proposal)


# --- Back office and department portal ------------------------------------------------------


def can_use_back_office(user) -> bool:
    """The inbox, dashboard, exports, assignment: desk staff and the desk manager."""
    return is_desk(user)


def can_refer(user, proposal) -> bool:
    """Refer a proposal to departments: the desk, once it is submitted and still open."""
    return can_use_back_office(user) and proposal.state in (
        "submitted",
        "dialogue",
        "revision_requested",
        "coordination",
        "review",
    )


def can_view_referral(user, referral) -> bool:
    if not _active(user):
        return False
    if is_desk(user):
        return True
    return is_department_member(user) and user.department_id == referral.department_id


def referrals_visible_q(user) -> Q:
    if not _active(user):
        return Q(pk__in=[])
    if is_desk(user):
        return Q()
    if is_department_member(user):
        return Q(department_id=user.department_id)
    return Q(pk__in=[])


def can_answer_referral(user, referral) -> bool:
    """The referred department answers (and may revise its answer) while the case is open."""
    return (
        is_department_member(user)
        and user.department_id == referral.department_id
        and referral.proposal.state
        in ("submitted", "dialogue", "revision_requested", "coordination", "review")
    )


def can_discuss_referral(user, referral) -> bool:
    """Questions between the referred department and the desk."""
    return can_view_referral(user, referral)


def can_view_opinions(user, proposal) -> bool:
    """All departments' opinions side by side: the desk only (a department sees its own)."""
    return is_desk(user) and proposal.state != "draft"


def can_view_decision_notice(user, proposal) -> bool:
    """The decision notice (採択通知書 / 不採択通知書) is addressed to the business, like the
    receipt: the business, the desk and administrators — never departments or reviewers. Only
    a proposal that was adopted (and whatever followed) or declined has one."""
    decided = ("adopted", "agreement", "in_field", "completed", "declined")
    if not _active(user) or proposal.state not in decided or not proposal.receipt_number:
        return False
    return is_own_organization(user, proposal) or is_desk(user) or is_administrator(user)
