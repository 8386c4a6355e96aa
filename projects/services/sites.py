"""Sites the city provides and their bookings by project."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import rules
from core.audit import record

from ..models import (
    Project,
    Site,
    SiteBooking,
)
from .base import SiteOverlap, _check_dates, _require

# --- sites and field provision --------------------------------------------------------------


def save_site(
    actor,
    *,
    site: Site | None = None,
    name: str,
    address: str,
    department,
    notes: str = "",
    is_active: bool = True,
) -> Site:
    _require(rules.can_manage_sites(actor))
    site = site or Site()
    site.name, site.address = name.strip(), address.strip()
    site.department, site.notes, site.is_active = department, notes.strip(), is_active
    if not site.name or not site.address:
        raise ValidationError(_("Give the facility's name and address."))
    site.save()
    return site


def book_site(
    project: Project,
    actor,
    *,
    site: Site,
    start: dt.date,
    end: dt.date,
    conditions: str = "",
    confirm_overlap: bool = False,
) -> SiteBooking:
    """Provide ``site`` to ``project`` from ``start`` to ``end`` (both days included).

    When another project has the site for part of the period, raises ``SiteOverlap`` with
    the conflicting bookings unless the desk confirms the overlap (a shared road or park may
    be fine); the confirmation is kept on the booking.
    """
    _require(rules.can_manage_project(actor, project))
    if start is None or end is None:
        raise ValidationError(_("Give the first and the last day."))
    _check_dates(start=start, end=end)
    if end < start:
        raise ValidationError({"end": _("The period cannot end before it starts.")})
    with transaction.atomic():
        # Lock the site's row so two bookings made at once cannot both miss each other.
        Site.objects.select_for_update().filter(pk=site.pk).first()
        same = SiteBooking.objects.filter(project=project, site=site, start=start, end=end).first()
        if same is not None:  # sent twice: the booking already made
            return same
        conflicts = list(
            SiteBooking.objects.overlapping(site, start, end)
            .exclude(project=project)
            .select_related("project", "site")
        )
        if conflicts and not confirm_overlap:
            raise SiteOverlap(conflicts)
        booking = SiteBooking.objects.create(
            project=project,
            site=site,
            start=start,
            end=end,
            conditions=(conditions or "").strip(),
            overlap_confirmed=bool(conflicts),
            created_by=actor,
        )
        record(actor, "project.book_site", f"project:{project.pk}")
    return booking


def cancel_booking(booking: SiteBooking, actor) -> None:
    _require(rules.can_manage_project(actor, booking.project))
    with transaction.atomic():
        record(actor, "project.cancel_booking", f"project:{booking.project.pk}")
        booking.delete()
