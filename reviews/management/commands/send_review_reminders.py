import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from reviews.services import send_review_reminders


class Command(BaseCommand):
    help = ("Remind reviewers, once per assignment, of reviews not yet submitted (the periodic "
            "job 'review-reminders', for cron). Safe to run more than once a day: nothing is "
            "sent twice.")

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as if today were this date (YYYY-MM-DD, Japan).")

    def handle(self, *args, **options):
        today = None
        if options.get("date"):
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date must be YYYY-MM-DD: {exc}") from None
        counts = send_review_reminders(today)
        self.stdout.write(f"reminders {counts['reminders']}, e-mails {counts['emails']}")
