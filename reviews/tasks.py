"""Celery tasks of the reviews app: thin — they call a service. Each periodic one is also a
management command, so cron can run it instead of beat."""

from celery import shared_task


@shared_task(name="reviews.tasks.send_review_reminders")
def send_review_reminders() -> dict:
    from .services import send_review_reminders as send

    return send()
