"""Celery tasks of the core app: thin, they call services."""

from celery import shared_task

from . import idempotency, jobs, outbox, ratelimit, services


@shared_task(name="core.tasks.record_heartbeat", bind=True)
def record_heartbeat(self) -> int:
    # is_eager tells a call run inline in the caller's process from one a worker took off
    # the queue, which is exactly what /status needs to report.
    mode = "inline" if self.request.is_eager else "queue"
    beat = services.record_heartbeat(mode=mode, hostname=self.request.hostname or "")
    services.prune_heartbeats()
    ratelimit.prune()
    idempotency.prune()
    return beat.pk


@shared_task(name="core.tasks.send_outbound_email", bind=True)
def send_outbound_email(self, email_id: int) -> str:
    """Send one outbox row. In a worker a temporary failure schedules a retry (Celery's
    countdown = the row's backoff); inline it is only recorded and the periodic job retries."""
    return outbox.deliver(email_id, in_worker=not self.request.is_eager, task=self)


@shared_task(name="core.tasks.send_pending_email")
def send_pending_email() -> dict:
    """The periodic job 'send-pending-email' (also the command send_pending_email, for cron)."""
    return outbox.send_pending()


@shared_task(name="core.tasks.sweep_queued_tasks")
def sweep_queued_tasks() -> dict:
    """The periodic job 'sweep-queued-tasks' (also the command send_queued_tasks, for cron)."""
    return jobs.sweep()
