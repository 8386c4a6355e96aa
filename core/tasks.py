"""Celery tasks of the core app: thin, they call services."""

from celery import shared_task

from . import services


@shared_task(name="core.tasks.record_heartbeat")
def record_heartbeat() -> int:
    beat = services.record_heartbeat()
    services.prune_heartbeats()
    return beat.pk
