from django.core.management.base import BaseCommand
from django.utils import timezone

from core import services


class Command(BaseCommand):
    help = "Record a task-runner heartbeat (the periodic job 'worker-heartbeat', for cron)."

    def handle(self, *args, **options):
        beat = services.record_heartbeat()
        services.prune_heartbeats()
        when = timezone.localtime(beat.created_at)  # Japan time, like the status page
        self.stdout.write(f"heartbeat {beat.pk} at {when:%Y-%m-%d %H:%M:%S%z}")
