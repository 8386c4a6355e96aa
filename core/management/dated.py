"""A base for the periodic jobs' commands that may be run "as if today were" another day."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError


class DatedCommand(BaseCommand):
    """Adds ``--date YYYY-MM-DD`` (Japan time); ``run(today)`` gets the date or None."""

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as if today were this date (YYYY-MM-DD, Japan).")

    def handle(self, *args, **options):
        today = None
        if options.get("date"):
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date must be YYYY-MM-DD: {exc}") from None
        self.stdout.write(self.run(today))

    def run(self, today: dt.date | None) -> str:
        raise NotImplementedError
