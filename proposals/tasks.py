"""Celery tasks of the proposals app: thin — they take ids and call a service.

Each periodic one is also a management command, so cron can run it instead of beat.
"""

from celery import shared_task


@shared_task(name="proposals.tasks.build_export")
def build_export(job_id: int) -> str:
    from .services.exports import build_export as build

    return build(job_id)


@shared_task(name="proposals.tasks.send_referral_reminders")
def send_referral_reminders() -> dict:
    from .services.referrals import send_reminders

    return send_reminders()


@shared_task(name="proposals.tasks.send_daily_digest")
def send_daily_digest() -> int:
    from .services.duty import send_daily_digest as send

    return send()
