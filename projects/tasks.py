"""Celery tasks for projects (thin: they call services and exports)."""

from celery import shared_task


@shared_task
def refresh_public_outputs():
    """Rebuild what is generated from the public data after it changed."""
