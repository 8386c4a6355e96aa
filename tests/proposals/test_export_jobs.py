"""Large CSV exports as jobs that survive a killed worker: one run claims a job, the running
job writes a heartbeat, a job whose heartbeat stopped (or that nobody started) is marked failed
with a message the desk reads on the status page, and its requester starts it again.

Everything goes through the real service, task, views and command; tasks run inline (the
tests have no broker), so a "worker that never came" is a commit whose callbacks were not run.
"""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from core import jobs
from core.dates import JAPAN
from proposals.models import ExportJob
from proposals.services import exports
from proposals.tasks import build_export as build_export_task

from .. import factories

pytestmark = pytest.mark.integration

T = dt.datetime(2026, 7, 1, 10, 0, tzinfo=JAPAN)
SECOND = dt.timedelta(seconds=1)
MINUTE = dt.timedelta(minutes=1)


def ja(msgid: str) -> str:
    with translation.override("ja"):
        text = translation.gettext(msgid)
    assert text != msgid, f"no Japanese translation for {msgid!r}"
    return escape(text)


@pytest.fixture
def proposals(people):
    """Three submitted proposals the desk can export."""
    made = []
    for title in ("防災ドローンによる河川監視", "AI配車のオンデマンド交通", "保育所の空き状況AI"):
        proposal = factories.draft(people["business"], title=title)
        factories.act(proposal, "submit", people["business"])
        made.append(proposal)
    return made


def new_job(people, **fields) -> ExportJob:
    return ExportJob.objects.create(requested_by=people["desk_staff"], **fields)


def export_files(settings) -> list:
    root = settings.MEDIA_ROOT / "exports"
    return sorted(p for p in root.rglob("*.csv")) if root.exists() else []


# --- Claiming: one run per job ------------------------------------------------------------------


def test_only_the_first_of_two_runs_claims_a_waiting_job(people):
    job = new_job(people)
    assert exports._claim(job.pk, T) is True
    assert exports._claim(job.pk, T + SECOND) is False
    job.refresh_from_db()
    assert job.status == ExportJob.Status.RUNNING
    assert job.heartbeat_at == T and job.attempts == 1


def test_a_running_job_whose_heartbeat_stopped_can_be_claimed_again(people):
    job = new_job(people)
    assert exports._claim(job.pk, T)
    # Its worker was killed: no heartbeat for just under, then just over, two minutes.
    assert exports._claim(job.pk, T + 119 * SECOND) is False
    assert exports._claim(job.pk, T + 121 * SECOND) is True
    job.refresh_from_db()
    assert job.attempts == 2 and job.heartbeat_at == T + 121 * SECOND


@pytest.mark.parametrize("status", [ExportJob.Status.DONE, ExportJob.Status.FAILED])
def test_a_finished_job_is_never_claimed(people, status):
    job = new_job(people, status=status, heartbeat_at=T - dt.timedelta(days=1))
    assert exports._claim(job.pk, T) is False
    job.refresh_from_db()
    assert job.status == status and job.attempts == 0


def test_two_runs_at_the_same_moment_claim_a_job_once(transactional_db, people):
    """Two workers handed the same message (a redelivery) race for it: one wins."""
    job = new_job(people)
    start = threading.Barrier(2)
    results: list[bool] = []

    def run():
        try:
            start.wait(timeout=10)
            results.append(exports._claim(job.pk, T))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [False, True]
    job.refresh_from_db()
    assert job.attempts == 1


# --- Building: heartbeat, done, and a second delivery that changes nothing ------------------------


def test_build_export_writes_its_heartbeat_and_finishes_done(people, proposals, settings):
    job = new_job(people)
    with time_machine.travel(T, tick=False):
        assert exports.build_export(job.pk) == ExportJob.Status.DONE
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    assert job.heartbeat_at == T
    assert job.finished_at == T
    assert job.attempts == 1
    assert job.processed == job.total == 3
    assert job.error == ""
    [file] = export_files(settings)
    assert job.file.name.endswith(file.name)
    text = file.read_bytes().decode("utf-8-sig")
    assert text.startswith("受付番号,") and "防災ドローンによる河川監視" in text


def test_a_job_already_done_is_left_alone_when_its_task_runs_again(people, proposals, settings):
    job = new_job(people)
    with time_machine.travel(T, tick=False):
        assert build_export_task.apply(args=[job.pk]).get() == ExportJob.Status.DONE
    job.refresh_from_db()
    first = (job.file.name, job.finished_at, job.attempts, job.heartbeat_at)
    with time_machine.travel(T + 10 * MINUTE, tick=False):
        assert build_export_task.apply(args=[job.pk]).get() == ExportJob.Status.DONE
    job.refresh_from_db()
    assert (job.file.name, job.finished_at, job.attempts, job.heartbeat_at) == first
    assert len(export_files(settings)) == 1, "a second delivery must not write a second file"


def test_a_job_another_worker_is_building_is_left_alone(people, proposals, settings):
    job = new_job(people)
    assert exports._claim(job.pk, T)  # another worker has it, heartbeat fresh
    with time_machine.travel(T + 30 * SECOND, tick=False):
        assert exports.build_export(job.pk) == ExportJob.Status.RUNNING
    job.refresh_from_db()
    assert job.status == ExportJob.Status.RUNNING and job.attempts == 1 and not job.file
    assert export_files(settings) == []


# --- Stalled and never-started jobs -----------------------------------------------------------


def test_fail_stalled_exports_marks_what_stopped_and_what_never_started(people):
    now = T + dt.timedelta(hours=1)
    stalled = new_job(people, status=ExportJob.Status.RUNNING, heartbeat_at=now - 121 * SECOND)
    alive = new_job(people, status=ExportJob.Status.RUNNING, heartbeat_at=now - 119 * SECOND)
    unstarted = new_job(people, created_at=now - 15 * MINUTE - SECOND)
    waiting = new_job(people, created_at=now - 14 * MINUTE)
    done = new_job(
        people,
        status=ExportJob.Status.DONE,
        created_at=now - dt.timedelta(days=1),
        heartbeat_at=now - dt.timedelta(days=1),
    )
    failed = new_job(
        people,
        status=ExportJob.Status.FAILED,
        error=exports.FAILED,
        created_at=now - dt.timedelta(days=1),
    )

    assert exports.fail_stalled_exports(now=now) == 2

    for job in (stalled, alive, unstarted, waiting, done, failed):
        job.refresh_from_db()
    assert stalled.status == ExportJob.Status.FAILED
    assert stalled.error == exports.STALLED and stalled.finished_at == now
    assert unstarted.status == ExportJob.Status.FAILED
    assert unstarted.error == exports.NOT_STARTED and unstarted.finished_at == now
    assert alive.status == ExportJob.Status.RUNNING and alive.error == ""
    assert waiting.status == ExportJob.Status.PENDING
    assert done.status == ExportJob.Status.DONE
    assert failed.status == ExportJob.Status.FAILED and failed.error == exports.FAILED
    # A second run finds nothing more.
    assert exports.fail_stalled_exports(now=now) == 0


@pytest.mark.parametrize(
    "error", [exports.STALLED, exports.NOT_STARTED], ids=["stalled", "not-started"]
)
def test_the_status_page_says_what_happened_in_japanese_with_a_retry_button(client, people, error):
    job = new_job(people, status=ExportJob.Status.FAILED, error=error, finished_at=T)
    client.force_login(people["desk_staff"])
    page = client.get(reverse("desk:export_status", args=[job.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert ja(error) in text
    assert 'http-equiv="refresh"' not in text
    retry = reverse("desk:export_retry", args=[job.pk])
    assert f'<form method="post" action="{retry}">' in text
    assert ja("Start the export again") in text
    assert "csrfmiddlewaretoken" in text


def test_the_status_page_in_english_shows_the_source_message(client, people):
    job = new_job(people, status=ExportJob.Status.FAILED, error=exports.STALLED, finished_at=T)
    client.force_login(people["desk_staff"])
    with translation.override("en"):
        url = reverse("desk:export_status", args=[job.pk])
    text = client.get(url).content.decode()
    assert escape(exports.STALLED) in text and "Start the export again" in text


# --- Starting again -----------------------------------------------------------------------------


def test_the_requester_starts_a_stalled_export_again_and_it_is_built(
    client, people, proposals, settings, django_capture_on_commit_callbacks
):
    job = new_job(people)
    assert exports._claim(job.pk, T)  # a worker took it, then was killed
    assert exports.fail_stalled_exports(now=T + 3 * MINUTE) == 1

    client.force_login(people["desk_staff"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("desk:export_retry", args=[job.pk]))
    assert len(callbacks) == 1  # the task was queued after the commit (and ran inline)
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:export_status", args=[job.pk])
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    assert job.error == "" and job.attempts == 2
    assert job.processed == job.total == 3
    [file] = export_files(settings)
    download = client.get(reverse("desk:export_download", args=[job.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == file.read_bytes()


def test_only_the_requester_may_start_an_export_again(
    client, people, proposals, settings, django_capture_on_commit_callbacks
):
    job = new_job(people, status=ExportJob.Status.FAILED, error=exports.STALLED, finished_at=T)
    client.force_login(people["desk_manager"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("desk:export_retry", args=[job.pk]))
    assert response.status_code == 404
    assert client.get(reverse("desk:export_status", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and job.error == exports.STALLED
    assert export_files(settings) == []
    # The service says the same to anyone who calls it.
    with pytest.raises(exports.ExportError):
        exports.retry_export(job, people["desk_manager"])
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED


def test_starting_again_a_job_that_is_done_changes_nothing(
    client, people, proposals, settings, django_capture_on_commit_callbacks
):
    job = new_job(people)
    exports.build_export(job.pk)
    job.refresh_from_db()
    name, attempts = job.file.name, job.attempts
    client.force_login(people["desk_staff"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("desk:export_retry", args=[job.pk]))
    assert response.status_code == 302 and callbacks == []
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    assert (job.file.name, job.attempts) == (name, attempts)
    assert len(export_files(settings)) == 1


def test_an_export_no_worker_took_is_reported_and_started_again_from_the_desk(
    client, people, proposals, settings, django_capture_on_commit_callbacks
):
    """The whole way: the desk asks for a large export, no job runner takes it, the periodic
    job marks it, the status page says so, and the button builds it."""
    settings.EXPORT_INLINE_MAX_ROWS = 1
    client.force_login(people["desk_staff"])
    with time_machine.travel(T, tick=False):
        with django_capture_on_commit_callbacks(execute=False):  # the broker lost the task
            response = client.post(reverse("desk:export"), {"all_matching": "1", "query": ""})
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("desk:export_status", args=[job.pk])
    assert job.status == ExportJob.Status.PENDING

    with time_machine.travel(T + 15 * MINUTE + SECOND, tick=False):
        out = io.StringIO()
        call_command("fail_stalled_exports", stdout=out)
        assert out.getvalue().strip() == "1 exports marked failed"
        text = client.get(response["Location"]).content.decode()
        assert ja(exports.NOT_STARTED) in text
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("desk:export_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.total == 3
    assert len(export_files(settings)) == 1


# --- The command ------------------------------------------------------------------------------


def test_the_command_prints_how_many_it_marked(people):
    with time_machine.travel(T, tick=False):
        new_job(people, status=ExportJob.Status.RUNNING, heartbeat_at=T - 5 * MINUTE)
        new_job(people, status=ExportJob.Status.RUNNING, heartbeat_at=T - 3 * MINUTE)
        new_job(people, created_at=T - 20 * MINUTE)
        new_job(people, created_at=T - MINUTE)
        out = io.StringIO()
        call_command("fail_stalled_exports", stdout=out)
    assert out.getvalue().strip() == "3 exports marked failed"
    assert ExportJob.objects.filter(status=ExportJob.Status.FAILED).count() == 3
    with time_machine.travel(T, tick=False):
        out = io.StringIO()
        call_command("fail_stalled_exports", stdout=out)
    assert out.getvalue().strip() == "0 exports marked failed"


def test_the_periodic_job_runs_the_same_sweep(people):
    """The beat schedule's 'fail-stalled-exports' names a registered task that does it."""
    entry = django_settings.CELERY_BEAT_SCHEDULE["fail-stalled-exports"]
    task = jobs.task(entry["task"])
    new_job(people, status=ExportJob.Status.RUNNING, heartbeat_at=T - 5 * MINUTE)
    with time_machine.travel(T, tick=False):
        assert task.apply().get() == 1
    assert ExportJob.objects.get().error == exports.STALLED
