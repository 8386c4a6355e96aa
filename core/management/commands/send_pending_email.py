from django.core.management.base import BaseCommand

from core import outbox


class Command(BaseCommand):
    help = (
        "Send the outbox e-mails that are due: queued for over a minute, or waiting to retry "
        "(the periodic job 'send-pending-email', for cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit",
            type=int,
            default=100,
            help="send at most this many e-mails in one run (default 100)",
        )

    def handle(self, *args, **options):
        counts = outbox.send_pending(limit=options["limit"])
        self.stdout.write(", ".join(f"{key} {value}" for key, value in counts.items()))
