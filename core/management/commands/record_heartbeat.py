from django.core.management.base import BaseCommand

from core import services


class Command(BaseCommand):
    help = "Record a task-runner heartbeat (the periodic job 'worker-heartbeat', for cron)."

    def handle(self, *args, **options):
        beat = services.record_heartbeat()
        services.prune_heartbeats()
        self.stdout.write(f"heartbeat {beat.pk} at {beat.created_at:%Y-%m-%d %H:%M:%S%z}")
