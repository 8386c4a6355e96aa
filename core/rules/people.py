"""Organisations, departments, people and the system's own pages."""

from __future__ import annotations

from .roles import (
    _active,
    is_administrator,
    is_business,
    is_department_member,
    is_desk,
)

# --- Organisations, departments, people -----------------------------------------------------


def can_view_organization(user, organization) -> bool:
    if not _active(user):
        return False
    if is_business(user):
        return user.organization_id == organization.pk
    return is_desk(user) or is_administrator(user)


def can_edit_organization(user, organization) -> bool:
    if not _active(user):
        return False
    if is_business(user):
        return user.organization_id == organization.pk
    return is_administrator(user)


def can_view_department_portal(user, department) -> bool:
    return is_department_member(user) and user.department_id == department.pk


def can_invite_members(user, organization) -> bool:
    return is_business(user) and user.organization_id == organization.pk


def can_manage_people(user) -> bool:
    """Create users, assign roles, edit departments and programmes."""
    return is_administrator(user)


def can_view_status_details(user) -> bool:
    """The status page shows configuration details only to the city's staff."""
    return is_desk(user) or is_administrator(user)
