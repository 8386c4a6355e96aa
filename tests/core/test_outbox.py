"""The outbox: delivered once, after the commit, retried with backoff, never lost.

Every test talks to a real SMTP server (aiosmtpd, ``tests/smtp.py``) through Django's SMTP
backend; the worker tests run a real Celery worker on Redis.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
import time

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import outbox
from core.mail import MailAttachment, queue_email
from core.models import OutboundEmail, Role
from core.tasks import send_outbound_email, send_pending_email

from .. import factories
from ..smtp import _free_port
from ..support import port_open

pytestmark = pytest.mark.integration

Status = OutboundEmail.Status
REDIS_URL = "redis://127.0.0.1:6379/15"
PDF = b"%PDF-1.4\n% \xe5\x8f\x97\xe4\xbb\x98\xe7\xa5\xa8 binary \x00\xff\x10\n%%EOF\n"
CONTEXT = {"name": "共創 花子 (A&B株式会社)", "number": "KD-2026-00042"}
SUBJECT = "【共創デスク】受付番号 KD-2026-00042 のお知らせ"
START = dt.datetime(2026, 5, 11, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def _queue(**kw) -> OutboundEmail:
    kw.setdefault("reference", "proposal:42")
    return queue_email(kw.pop("to", "hanako@example.jp"), "test_message", CONTEXT, **kw)


def _closed_port() -> int:
    port = _free_port()
    assert not port_open("127.0.0.1", port), "the port must have nothing listening on it"
    return port


# --- after the commit, and only then ----------------------------------------------------------


def test_rolled_back_email_leaves_no_row_and_sends_nothing(
    db, smtp_server, django_capture_on_commit_callbacks
):
    class Rollback(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Rollback), transaction.atomic():
            _queue(attachments=[MailAttachment("受付票.pdf", PDF, "application/pdf")])
            assert OutboundEmail.objects.count() == 1
            raise Rollback
    assert callbacks == []
    assert not OutboundEmail.objects.exists()
    assert smtp_server.messages == []


def test_committed_email_arrives_in_japanese_with_its_attachment(
    db, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        email = _queue(attachments=[MailAttachment("受付票.pdf", PDF, "application/pdf")])
        assert smtp_server.messages == [], "nothing leaves before the commit"
    assert len(callbacks) == 1

    [message] = smtp_server.wait_for(1)
    assert message["Subject"].strip() == SUBJECT  # Django folds it onto a second line
    assert message["To"] == "hanako@example.jp"
    assert message["From"].addresses[0].addr_spec == "desk@example.jp"
    assert message["From"].addresses[0].display_name == "共創デスク"
    assert message["Auto-Submitted"] == "auto-generated"
    text = smtp_server.text(message)
    assert "共創 花子 (A&B株式会社) 様" in text, "plain text, not HTML-escaped"
    assert "受付番号：KD-2026-00042" in text
    assert message.get_body(preferencelist=("plain",)).get_content_charset() == "utf-8"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "受付票.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == PDF

    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (Status.SENT, 1, "")
    assert email.sent_at is not None and email.next_attempt_at is None
    assert message["Message-ID"] == outbox._message_id(email)
    # The file went through the storage API under a neutral name; the reader sees the real one.
    stored = email.attachments.get()
    assert stored.filename == "受付票.pdf" and stored.file.name.endswith(".pdf")
    assert "受付票" not in stored.file.name


# --- temporary and permanent failures -------------------------------------------------------


def test_refused_delivery_waits_and_the_periodic_job_sends_it_later(
    db, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.fail_next(1)
    with time_machine.travel(START, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            email = _queue()  # raises nothing: the caller's request goes on
        email.refresh_from_db()
        assert email.status == Status.RETRYING
        assert email.attempts == 1
        assert email.last_error.startswith("SMTPDataError: 451 ")
        assert email.next_attempt_at == START + dt.timedelta(minutes=1)
        assert outbox.send_pending()["due"] == 0, "not before its time"
    assert smtp_server.messages == []

    with time_machine.travel(START + dt.timedelta(minutes=1, seconds=5)):
        counts = outbox.send_pending()
    assert counts == {"due": 1, "sent": 1, "retrying": 0, "failed": 0, "skipped": 0, "deferred": 0}
    [message] = smtp_server.wait_for(1)
    assert message["Subject"].strip() == SUBJECT  # Django folds it onto a second line
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (Status.SENT, 2, "")


def test_backoff_doubles_and_the_last_attempt_marks_the_row_failed(db, smtp_server):
    smtp_server.fail_next(1000)
    with time_machine.travel(START, tick=False):
        email = _queue()  # no on-commit run: the periodic job sends it
    waits = []
    when = START + dt.timedelta(minutes=2)
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        with time_machine.travel(when, tick=False):
            counts = outbox.send_pending()
        email.refresh_from_db()
        assert email.attempts == attempt
        if attempt < outbox.MAX_ATTEMPTS:
            assert counts["retrying"] == 1 and email.status == Status.RETRYING
            waits.append((email.next_attempt_at - when) / dt.timedelta(minutes=1))
            when = email.next_attempt_at
    assert waits == [1, 2, 4, 8, 16, 32, 64]
    assert counts["failed"] == 1
    assert email.status == Status.FAILED and email.next_attempt_at is None
    assert "451" in email.last_error
    with time_machine.travel(when + dt.timedelta(days=1)):
        assert outbox.send_pending()["due"] == 0, "a failed row waits for a person"
    assert smtp_server.messages == []


@pytest.mark.unit
def test_backoff_is_capped():
    assert outbox.backoff(1) == 60
    assert outbox.backoff(5) == 16 * 60
    assert outbox.backoff(12) == outbox.backoff(500) == 6 * 3600


@pytest.fixture
def refusing_smtp_server(settings):
    """A second real SMTP server that does not know the recipient (550 at RCPT TO)."""
    from aiosmtpd.controller import Controller

    class Refuser:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            return "550 5.1.1 No such user here"

    port = _free_port()
    controller = Controller(Refuser(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield controller
    finally:
        controller.stop()


def test_unknown_recipient_fails_at_once(
    db, refusing_smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue(to="nobody@example.jp")
    email.refresh_from_db()
    assert email.status == Status.FAILED
    assert email.attempts == 1 and email.next_attempt_at is None
    assert email.last_error == "SMTPRecipientsRefused: 550 5.1.1 No such user here"


def test_stopped_server_is_a_temporary_failure(
    db, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_PORT = _closed_port()
    with time_machine.travel(START, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            email = _queue()
    email.refresh_from_db()
    assert email.status == Status.RETRYING and email.attempts == 1
    assert email.last_error == "ConnectionRefusedError: Connection refused"
    assert email.next_attempt_at == START + dt.timedelta(minutes=1)

    settings.EMAIL_PORT = smtp_server.port  # the server is back
    with time_machine.travel(START + dt.timedelta(minutes=2)):
        assert outbox.send_pending()["sent"] == 1
    smtp_server.wait_for(1)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.SENT, 2)


def test_periodic_job_stops_its_run_when_the_server_is_down(db, smtp_server, settings):
    settings.EMAIL_PORT = _closed_port()
    with time_machine.travel(START, tick=False):
        emails = [_queue(to=f"user{n}@example.jp") for n in range(3)]
    with time_machine.travel(START + dt.timedelta(minutes=5), tick=False):
        counts = outbox.send_pending()
    assert counts == {"due": 3, "sent": 0, "retrying": 1, "failed": 0, "skipped": 0, "deferred": 2}
    attempts = sorted(OutboundEmail.objects.values_list("attempts", flat=True))
    assert attempts == [0, 0, 1], "rows not tried keep their attempts"

    settings.EMAIL_PORT = smtp_server.port
    with time_machine.travel(START + dt.timedelta(minutes=10)):
        assert outbox.send_pending()["sent"] == 3
    assert sorted(str(m["To"]) for m in smtp_server.wait_for(3)) == sorted(e.to for e in emails)


# --- exactly once -----------------------------------------------------------------------------


def test_delivering_twice_sends_once(db, smtp_server):
    email = _queue()
    assert outbox.deliver(email.pk) == "sent"
    assert outbox.deliver(email.pk) == "skipped"
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1)):
        assert outbox.send_pending()["due"] == 0
    assert len(smtp_server.messages) == 1
    email.refresh_from_db()
    assert email.attempts == 1


def test_a_late_retry_never_resends_what_the_periodic_job_sent(db, smtp_server):
    smtp_server.fail_next(1)
    email = _queue()
    assert outbox.deliver(email.pk) == "retrying"
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        assert outbox.send_pending()["sent"] == 1
        # The task's own retry arrives now: the row is no longer due, so it sends nothing.
        assert send_outbound_email.apply(args=[email.pk]).get() == "skipped"
    assert len(smtp_server.messages) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.SENT, 2)


def test_in_a_worker_a_failure_or_an_early_retry_asks_celery_to_retry(db, smtp_server):
    from celery.exceptions import Retry

    # Called outside a worker, Celery's task.retry raises Retry without queueing anything:
    # enough to see when deliver asks for one.
    smtp_server.fail_next(1)
    email = _queue()
    with pytest.raises(Retry):
        outbox.deliver(email.pk, in_worker=True, task=send_outbound_email)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.RETRYING, 1)

    # The retry came early (the row is due in a minute): it waits, sending nothing.
    with time_machine.travel(email.next_attempt_at - dt.timedelta(seconds=10)):
        with pytest.raises(Retry):
            outbox.deliver(email.pk, in_worker=True, task=send_outbound_email)
    # Far too early, or already sent: nothing to do, the periodic job has the row.
    OutboundEmail.objects.filter(pk=email.pk).update(
        next_attempt_at=timezone.now() + dt.timedelta(hours=1)
    )
    assert outbox.deliver(email.pk, in_worker=True, task=send_outbound_email) == "skipped"
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        assert outbox.deliver(email.pk, in_worker=True, task=send_outbound_email) == "sent"
        assert outbox.deliver(email.pk, in_worker=True, task=send_outbound_email) == "skipped"
    assert len(smtp_server.wait_for(1)) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.SENT, 2)


def test_a_row_being_sent_is_not_claimed_again(db, smtp_server):
    email = _queue()
    now = timezone.now()
    assert outbox._claim(email.pk, now)  # another process took it and is sending
    assert outbox.deliver(email.pk) == "skipped"
    with time_machine.travel(now + dt.timedelta(minutes=5)):
        assert outbox.send_pending()["due"] == 0
    email.refresh_from_db()
    assert email.last_error == outbox.IN_FLIGHT
    assert outbox.retry_now(email) is False, "the admin cannot re-queue it mid-send either"
    # That process died: once its lease runs out the periodic job sends the row.
    with time_machine.travel(now + dt.timedelta(minutes=16)):
        assert outbox.send_pending()["sent"] == 1
    assert len(smtp_server.wait_for(1)) == 1


def test_concurrent_deliveries_send_once(transactional_db, smtp_server):
    # Written straight to the table: queue_email would send it at once (autocommit).
    email = OutboundEmail.objects.create(to="hanako@example.jp", subject=SUBJECT, body="本文")
    results = []
    barrier = threading.Barrier(4)

    def run():
        try:
            barrier.wait()
            results.append(outbox.deliver(email.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == ["sent", "skipped", "skipped", "skipped"]
    assert len(smtp_server.messages) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.SENT, 1)


# --- the periodic job: command and task -------------------------------------------------------


def test_command_and_task_send_what_is_due(db, smtp_server):
    with time_machine.travel(START, tick=False):
        first, second = _queue(to="a@example.jp"), _queue(to="b@example.jp")
    with time_machine.travel(START + dt.timedelta(seconds=30), tick=False):
        fresh = _queue(to="fresh@example.jp")
    with time_machine.travel(START + dt.timedelta(seconds=70)):
        out = io.StringIO()
        call_command("send_pending_email", "--limit", "1", stdout=out)
        assert (
            out.getvalue().strip() == "due 1, sent 1, retrying 0, failed 0, skipped 0, deferred 0"
        )
        # A fresh row is left to its own task for the first minute.
        assert send_pending_email.apply().get()["sent"] == 1
    assert sorted(str(m["To"]) for m in smtp_server.wait_for(2)) == [first.to, second.to]
    fresh.refresh_from_db()
    assert fresh.status == Status.QUEUED and fresh.attempts == 0


# --- a real worker on Redis (tests/worker.py) ------------------------------------------------


def _wait_for_status(email, status, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        email.refresh_from_db()
        if email.status == status:
            return email
        time.sleep(0.1)
    raise AssertionError(f"e-mail {email.pk} is {email.status}, expected {status}")


@pytest.mark.redis
def test_worker_delivers_a_queued_email(redis_worker, smtp_server):
    with transaction.atomic():
        email = _queue(attachments=[MailAttachment("受付票.pdf", PDF, "application/pdf")])
    [message] = smtp_server.wait_for(1)
    assert message["Subject"].strip() == SUBJECT  # Django folds it onto a second line
    assert next(message.iter_attachments()).get_content() == PDF
    email = _wait_for_status(email, Status.SENT)
    assert email.attempts == 1


@pytest.mark.redis
def test_worker_retries_a_refused_delivery(redis_worker, smtp_server, settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 0.5
    smtp_server.fail_next(1)
    with transaction.atomic():
        email = _queue()
    [message] = smtp_server.wait_for(1)
    assert message["Subject"].strip() == SUBJECT  # Django folds it onto a second line
    email = _wait_for_status(email, Status.SENT)
    assert email.attempts == 2, "the first try was refused, the worker's retry delivered it"
    time.sleep(1.0)
    assert len(smtp_server.messages) == 1


# --- the admin --------------------------------------------------------------------------------


def _failed_email(**kw) -> OutboundEmail:
    email = _queue(**kw)
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=Status.FAILED, attempts=8, last_error="SMTPDataError: 451 local error"
    )
    email.refresh_from_db()
    return email


def test_admin_lists_the_outbox_and_retries_a_failed_email(
    client, db, smtp_server, django_capture_on_commit_callbacks
):
    admin_user = factories.user(Role.ADMINISTRATOR)
    failed = _failed_email(to="failed@example.jp", reference="proposal:7")
    sent = _queue(to="sent@example.jp")
    outbox.deliver(sent.pk)
    client.force_login(admin_user)
    url = reverse("admin:core_outboundemail_changelist")

    page = client.get(url).content.decode()
    assert "failed@example.jp" in page and "sent@example.jp" in page and "proposal:7" in page
    page = client.get(url, {"status__exact": "failed"}).content.decode()
    assert "failed@example.jp" in page and "sent@example.jp" not in page
    page = client.get(url, {"q": "proposal:7"}).content.decode()
    assert "failed@example.jp" in page and "sent@example.jp" not in page
    detail = client.get(reverse("admin:core_outboundemail_change", args=[failed.pk]))
    assert "451 local error" in detail.content.decode()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            url, {"action": "retry_now", "_selected_action": [failed.pk, sent.pk]}
        )
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == Status.QUEUED and failed.next_attempt_at is None
    assert len(callbacks) == 1, "the re-queued row is enqueued, the sent one is not"
    assert len(smtp_server.messages) == 1
    callbacks[0]()
    assert [str(m["To"]) for m in smtp_server.wait_for(2)] == [sent.to, failed.to]
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (Status.SENT, 9)


def test_admin_outbox_is_for_administrators_only(client, db):
    _failed_email(to="failed@example.jp")
    url = reverse("admin:core_outboundemail_changelist")
    client.force_login(factories.user(Role.DESK_MANAGER))
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert "failed@example.jp" not in response.content.decode()


def test_admin_outbox_list_query_count_does_not_grow_with_rows(client, db):
    client.force_login(factories.user(Role.ADMINISTRATOR))
    url = reverse("admin:core_outboundemail_changelist")
    _failed_email(to="first@example.jp")
    client.get(url)  # warm up: content types, session
    with CaptureQueriesContext(connection) as one:
        assert "first@example.jp" in client.get(url).content.decode()
    for n in range(30):
        _queue(to=f"user{n}@example.jp")
    with CaptureQueriesContext(connection) as many:
        assert "user29@example.jp" in client.get(url).content.decode()
    assert len(many) == len(one)


def test_pending_email_job_is_on_the_beat_schedule():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["send-pending-email"]
    assert entry["task"] == "core.tasks.send_pending_email"
    from config.celery import app

    assert entry["task"] in app.tasks
