import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from proposals.services.duty import send_daily_digest


class Command(BaseCommand):
    help = ("E-mail the desk its daily digest of proposals past the answer target and overdue "
            "referrals (the periodic job 'daily-digest', for cron). Sends nothing when nothing "
            "is overdue, and at most once a day to each person.")

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to report on, YYYY-MM-DD (default: today "
                                           "in Japan time)")

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date must be YYYY-MM-DD.") from None
        queued = send_daily_digest(today)
        self.stdout.write(f"Queued {queued} digest e-mail(s).")
