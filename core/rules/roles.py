"""Who someone is: the six roles, asked here and nowhere else.

Every other rule (and every view, template, form and service) asks these predicates or the
permissions built on them, never ``user.role`` or the model's role properties: a role's meaning
is decided once. Each is False for anonymous visitors and deactivated accounts.
"""

from __future__ import annotations


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_business(user) -> bool:
    """A member of a proposing business."""
    return _active(user) and user.is_business


def is_desk(user) -> bool:
    """Desk staff or the desk manager."""
    return _active(user) and user.is_desk


def is_desk_manager(user) -> bool:
    return _active(user) and user.is_desk_manager


def is_department_member(user) -> bool:
    return _active(user) and user.is_department_member


def is_reviewer(user) -> bool:
    return _active(user) and user.is_reviewer


def is_administrator(user) -> bool:
    return _active(user) and user.is_administrator


# --- Portals: which part of the site a person works in (the menu asks these) ----------------


def can_use_business_portal(user) -> bool:
    """ "Your proposals", "your projects", "your organisation": a business member."""
    return is_business(user) and user.organization_id is not None


def can_use_department_portal(user) -> bool:
    """Referrals and sites of one's own department: a department member."""
    return is_department_member(user) and user.department_id is not None


def can_use_reviewer_portal(user) -> bool:
    """The reviewer's own assignments."""
    return is_reviewer(user)


def works_for_the_city(user) -> bool:
    """The city's people (desk, departments, reviewers, administrators): they open
    confidential proposals, so their sessions are shorter than a business's."""
    return (
        is_desk(user) or is_department_member(user) or is_reviewer(user) or (is_administrator(user))
    )
