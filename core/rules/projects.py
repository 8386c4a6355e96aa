"""Projects after adoption: the desk's work, the partner business's workspace, sites.

The public sees only published projects' approved text (``projects.models.ProjectQuerySet
.published``); everything here is about the back office and the partner business.
"""

from __future__ import annotations

from django.db.models import Q

from .roles import (
    _active,
    is_administrator,
    is_business,
    is_department_member,
    is_desk,
    is_desk_manager,
)

# --- Projects (after adoption) --------------------------------------------------------------


def can_manage_project(user, project) -> bool:
    """Edit a project's details and public draft, record the agreement, book sites, review
    reports, move it to the field and complete it: the desk."""
    return is_desk(user)


def can_approve_project_text(user, project) -> bool:
    """Approve the public title and summary: the desk manager only."""
    return is_desk_manager(user)


def can_publish_project(user, project) -> bool:
    """Put a project on the public list or take it off: the desk manager only."""
    return is_desk_manager(user)


def can_view_project(user, project) -> bool:
    """The project's working page (agreement, sites, reports): the desk, the partner business
    and the departments the project belongs to."""
    if not _active(user):
        return False
    if is_desk(user):
        return True
    if is_business(user):
        return user.organization_id == project.proposal.organization_id
    if is_department_member(user):
        return project.departments.filter(pk=user.department_id).exists()
    return False


def projects_visible_q(user) -> Q:
    """The projects ``user`` may open (same decision as ``can_view_project``), as a filter."""
    if not _active(user):
        return Q(pk__in=[])
    if is_desk(user):
        return Q()
    if is_business(user):
        return Q(proposal__organization_id=user.organization_id)
    if is_department_member(user):
        return Q(departments=user.department_id)
    return Q(pk__in=[])


def can_report_on_project(user, project) -> bool:
    """Submit progress and final reports: members of the partner business."""
    return is_business(user) and user.organization_id == project.proposal.organization_id


def can_manage_sites(user) -> bool:
    """Register facilities and places the city can provide: the desk and administrators."""
    return is_desk(user) or is_administrator(user)


def can_view_site_bookings(user, department) -> bool:
    """The bookings on a department's sites: that department and the desk."""
    if not _active(user):
        return False
    return is_desk(user) or (is_department_member(user) and user.department_id == department.pk)
