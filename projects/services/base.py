"""What every project service shares: its errors and its checks."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class ProjectError(Exception):
    """A request that cannot be carried out; ``message`` is for the user, in their language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotPermitted(ProjectError):
    pass


class SiteOverlap(ProjectError):
    """The site is already provided to another project for part of the period."""

    def __init__(self, conflicts: list):
        self.conflicts = conflicts
        names = "、".join(f"{b.project} ({b.start:%Y-%m-%d}–{b.end:%Y-%m-%d})" for b in conflicts)
        super().__init__(
            _(
                "This site is already provided to another project for part of this period: "
                "%(bookings)s. Check with the department in charge; to book it anyway, confirm "
                "the overlap."
            )
            % {"bookings": names}
        )


#: Dates a project, a booking or an agreement can have; anything else is a typing mistake.
EARLIEST, LATEST = dt.date(1990, 1, 1), dt.date(2100, 12, 31)


def _check_dates(**dates) -> None:
    errors = {
        name: _("Check the year: give a date between %(first)s and %(last)s.")
        % {"first": EARLIEST.isoformat(), "last": LATEST.isoformat()}
        for name, value in dates.items()
        if value is not None and not EARLIEST <= value <= LATEST
    }
    if errors:
        raise ValidationError(errors)


def _require(allowed: bool) -> None:
    if not allowed:
        raise NotPermitted(_("You are not permitted to do this."))
