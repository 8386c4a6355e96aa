"""Themed calls, presented issues and reviews."""

from __future__ import annotations

from .roles import (
    _active,
    is_business,
    is_department_member,
    is_desk,
    is_reviewer,
)

# --- Themed calls and reviews ---------------------------------------------------------------


def can_manage_themes(user) -> bool:
    """Open calls, publish documents, answer questions: the desk."""
    return is_desk(user)


def can_present_issues(user) -> bool:
    """Departments present their own issues (課題提示); the desk opens calls and issues."""
    return is_desk(user) or is_department_member(user)


def can_edit_theme(user, theme) -> bool:
    """The desk edits any call; a department only the issues it presents itself."""
    if not _active(user):
        return False
    if is_desk(user):
        return True
    return (
        is_department_member(user)
        and theme.kind == "issue"
        and theme.department_id == user.department_id
    )


def can_ask_about_theme(user, theme, when=None) -> bool:
    """A registered business asks during the call's question period."""
    return is_business(user) and theme.is_published and theme.accepts_questions_at(when)


def can_manage_reviews(user) -> bool:
    """Assign reviewers, see every score and the ranking, close a round: the desk."""
    return is_desk(user)


#: A proposal is scored while it is open (until it leaves review): once decided, withdrawn or
#: closed, its scores are part of the record and no longer change.
SCORABLE_STATES = ("submitted", "dialogue", "revision_requested", "coordination", "review")


def can_review(user, assignment) -> bool:
    """The assigned reviewer, without a declared conflict, until the round is closed and while
    the proposal has not left review."""
    return (
        is_reviewer(user)
        and assignment.reviewer_id == user.pk
        and not assignment.conflict_declared
        and assignment.closed_at is None
        and assignment.proposal.state in SCORABLE_STATES
    )


def can_see_other_scores(user, assignment) -> bool:
    """A reviewer sees the others' scores and the aggregate only after submitting its own."""
    if can_manage_reviews(user):
        return True
    return (
        is_reviewer(user)
        and assignment.reviewer_id == user.pk
        and not assignment.conflict_declared
        and assignment.submitted_at is not None
    )
