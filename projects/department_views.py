"""A department's view of the sites it is in charge of and every booking on them.

A department member sees only its own department's sites (``core.rules.can_view_site_
bookings``); anyone else gets 404. The page runs a fixed number of queries however many
sites and bookings there are: the sites, their bookings with their projects, and which of
those projects belong to the department (those are linked to their workspace).
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.permissions import permission_required

from .models import Project, Site, SiteBooking

department_only = permission_required("kyoso.use_department_portal")


def _overlaps(booking, others) -> list:
    """The bookings of other projects on the same site that share a day with ``booking``."""
    return [
        other
        for other in others
        if other.pk != booking.pk
        and other.project_id != booking.project_id
        and other.start <= booking.end
        and other.end >= booking.start
    ]


def _project_label(project, linked: set) -> str:
    """What the department may read about a project on its site: the name of its own projects
    and of published ones; for any other, only that the desk has booked it (the working title
    can be the business's own, and the department was not involved)."""
    if project.pk in linked:
        return str(project)
    if project.is_published and project.public_title:
        return project.display_title
    return _("A project of the desk (ask the desk for details)")


@department_only
@require_GET
def site_bookings(request):
    """The department's sites; their bookings, current and upcoming first, then past ones."""
    department = request.user.department
    today = timezone.localdate()
    sites = list(
        Site.objects.filter(department=department)
        .prefetch_related(
            Prefetch(
                "bookings",
                queryset=SiteBooking.objects.select_related("project").order_by("start", "pk"),
            )
        )
        .order_by("name", "pk")
    )
    upcoming, past = [], []
    for site in sites:
        bookings = list(site.bookings.all())
        for booking in bookings:
            booking.overlaps = _overlaps(booking, bookings)
            (past if booking.end < today else upcoming).append(booking)
    upcoming.sort(key=lambda b: (b.start, b.end, b.pk))
    past.sort(key=lambda b: (b.end, b.start, b.pk), reverse=True)
    project_ids = {b.project_id for b in upcoming + past}
    linked = (
        set(
            Project.departments.through.objects.filter(
                department_id=department.pk, project_id__in=project_ids
            ).values_list("project_id", flat=True)
        )
        if project_ids
        else set()
    )
    for booking in upcoming + past:
        for one in [booking, *booking.overlaps]:
            one.project_label = _project_label(one.project, linked)
    return render(
        request,
        "projects/department/bookings.html",
        {
            "department": department,
            "sites": sites,
            "upcoming": upcoming,
            "past": past,
            "linked_projects": linked,
            "today": today,
        },
    )
