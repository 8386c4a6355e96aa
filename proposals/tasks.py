"""Celery tasks of the proposals app: thin — they take ids and call a service.

Each periodic one is also a management command, so cron can run it instead of beat.
"""

from celery import shared_task

from .services import duty, exports, referrals


# A 100,000-row export takes a few seconds; the limits only stop a runaway one.
@shared_task(name="proposals.tasks.build_export", soft_time_limit=1500, time_limit=1560)
def build_export(job_id: int) -> str:
    return exports.build_export(job_id)


@shared_task(name="proposals.tasks.fail_stalled_exports")
def fail_stalled_exports() -> int:
    """The periodic job 'fail-stalled-exports' (also the command fail_stalled_exports)."""
    return exports.fail_stalled_exports()


@shared_task(name="proposals.tasks.send_referral_reminders")
def send_referral_reminders() -> dict:
    return referrals.send_reminders()


@shared_task(name="proposals.tasks.send_daily_digest")
def send_daily_digest() -> int:
    return duty.send_daily_digest()
