"""Celery tasks of the proposals app: thin — they take ids and call a service.

Each periodic one is also a management command, so cron can run it instead of beat.
"""

from celery import shared_task

from .services import duty, exports, referrals


@shared_task(name="proposals.tasks.build_export")
def build_export(job_id: int) -> str:
    return exports.build_export(job_id)


@shared_task(name="proposals.tasks.send_referral_reminders")
def send_referral_reminders() -> dict:
    return referrals.send_reminders()


@shared_task(name="proposals.tasks.send_daily_digest")
def send_daily_digest() -> int:
    return duty.send_daily_digest()
