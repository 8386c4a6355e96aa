from django.core.management.base import BaseCommand

from core import jobs


class Command(BaseCommand):
    help = (
        "Hand the broker the background tasks it refused while it was down (the periodic job "
        "'sweep-queued-tasks', for cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=200, help="at most this many (200)")

    def handle(self, *args, **options):
        counts = jobs.sweep(limit=options["limit"])
        self.stdout.write(", ".join(f"{key} {value}" for key, value in counts.items()))
