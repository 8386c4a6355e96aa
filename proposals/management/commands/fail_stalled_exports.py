from django.core.management.base import BaseCommand

from proposals.services import exports


class Command(BaseCommand):
    help = (
        "Mark exports whose job runner stopped answering, or that no runner took, as failed "
        "(the desk can start them again); the periodic job 'fail-stalled-exports', for cron."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{exports.fail_stalled_exports()} exports marked failed")
