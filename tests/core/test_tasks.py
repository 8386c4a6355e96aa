"""The heartbeat task, inline (the embedded default) and through a real worker on Redis."""

from __future__ import annotations

import time

import pytest
from django.conf import settings

from core.models import WorkerHeartbeat
from core.tasks import record_heartbeat


@pytest.mark.integration
def test_inline_mode_runs_the_task_in_process(db, django_capture_on_commit_callbacks):
    assert settings.TASKS_INLINE, "tests run with no broker configured"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record_heartbeat.delay_on_commit()
    assert len(callbacks) == 1, "delay_on_commit waits for the transaction to commit"
    beat = WorkerHeartbeat.objects.get()
    assert beat.mode == "inline"


@pytest.mark.integration
def test_delay_on_commit_sends_nothing_when_the_transaction_rolls_back(db):
    from django.db import transaction

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        record_heartbeat.delay_on_commit()
        raise Rollback
    assert not WorkerHeartbeat.objects.exists()


@pytest.mark.redis
@pytest.mark.integration
def test_real_worker_on_redis_runs_the_task(redis_worker):
    record_heartbeat.delay()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not WorkerHeartbeat.objects.exists():
        time.sleep(0.2)
    beat = WorkerHeartbeat.objects.get()
    # A worker took it off the Redis queue; it did not run inline in this process.
    assert beat.mode == "queue"


@pytest.mark.unit
def test_beat_schedule_runs_the_heartbeat_and_a_command_does_the_same(db):
    from django.core.management import call_command

    assert settings.CELERY_BEAT_SCHEDULE["worker-heartbeat"]["task"] == record_heartbeat.name
    call_command("record_heartbeat")
    assert WorkerHeartbeat.objects.count() == 1
