"""Celery tasks of the core app: thin, they call services."""

from celery import shared_task

from . import services


@shared_task(name="core.tasks.record_heartbeat", bind=True)
def record_heartbeat(self) -> int:
    # is_eager tells a call run inline in the caller's process from one a worker took off
    # the queue, which is exactly what /status needs to report.
    mode = "inline" if self.request.is_eager else "queue"
    beat = services.record_heartbeat(mode=mode, hostname=self.request.hostname or "")
    services.prune_heartbeats()
    return beat.pk


@shared_task(name="core.tasks.send_outbound_email", bind=True)
def send_outbound_email(self, email_id: int) -> str:
    from . import outbox

    return outbox.deliver(email_id, in_worker=not self.request.is_eager, task=self)
