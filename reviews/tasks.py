"""Celery tasks of the reviews app: thin — they call a service. Each periodic one is also a
management command, so cron can run it instead of beat."""

from celery import shared_task

from . import services


@shared_task(name="reviews.tasks.send_review_reminders")
def send_review_reminders() -> dict:
    return services.send_review_reminders()
