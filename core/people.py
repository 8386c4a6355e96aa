"""Finding people by what they do: the desk, its managers, a department's members, reviewers,
a business's members.

Like ``core.rules`` (which decides what one person may do), this module is one of the few that
read a user's role; every other module asks these two.
"""

from __future__ import annotations

from .models import Role, User

DESK_ROLES = (Role.DESK_STAFF, Role.DESK_MANAGER)


def desk_members(*, include_inactive: bool = False):
    """Desk staff and the desk manager. With ``include_inactive``, also former members (a list
    may still filter by a former lead), active ones first, by name."""
    members = User.objects.filter(role__in=DESK_ROLES)
    if include_inactive:
        return members.order_by("-is_active", "full_name", "email")
    return members.filter(is_active=True).order_by("email")


def desk_managers():
    """The active desk managers, by name: who approves public texts and decides."""
    return User.objects.filter(role=Role.DESK_MANAGER, is_active=True).order_by("full_name")


def department_members(department):
    """The active members of ``department``, by e-mail."""
    return User.objects.filter(
        department=department, role=Role.DEPARTMENT, is_active=True
    ).order_by("email")


def reviewers():
    """Every active reviewer, by name."""
    return User.objects.filter(role=Role.REVIEWER, is_active=True).order_by("full_name", "email")


def business_members(organization) -> list[User]:
    """The active members of a business (from its prefetched ``members`` when there are)."""
    return [
        member
        for member in organization.members.all()
        if member.is_active and member.role == Role.BUSINESS
    ]


def lead_or_desk(lead) -> list[User]:
    """Who at the desk hears of a case: its lead when that is an active desk member, otherwise
    every active desk member."""
    if lead is not None and lead.is_active and lead.role in DESK_ROLES:
        return [lead]
    return list(desk_members())
