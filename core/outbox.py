"""Delivery of outbox rows: exactly one send per row, retries with backoff, nothing lost.

Every ``OutboundEmail`` is sent by ``deliver``. It first *claims* the row with one conditional
UPDATE — status queued or retrying, due now (``next_attempt_at`` empty or past) — that adds one
to ``attempts`` and pushes ``next_attempt_at`` a lease ahead (``OUTBOX_SEND_LEASE_SECONDS``),
and only the caller whose UPDATE changed the row sends it. Two workers, a worker and the
periodic job, or a Celery retry arriving after the periodic job already sent the row therefore
never send it twice: the loser's UPDATE matches nothing. If a process dies mid-send the lease
runs out and the periodic job tries again (the only case where a message can go out twice;
each row keeps one Message-ID so a receiving system can drop the copy).

Outcomes (the row records each one):

* sent — ``status=sent``, ``sent_at``.
* temporary failure (``smtplib.SMTPException`` or ``OSError``: the server refused with a 4xx,
  is down or unreachable) — ``status=retrying``, ``last_error``, ``next_attempt_at`` after an
  exponential backoff (1, 2, 4 … minutes, capped at 6 hours). In a worker the task also
  schedules a Celery retry for that moment; inline (no broker) nothing blocks the request and
  nothing is raised: ``send_pending`` — the periodic job — picks the row up.
* permanent failure (the recipient or the message refused with a 5xx), an unexpected error, or
  the ``OUTBOX_MAX_ATTEMPTS``-th temporary failure — ``status=failed``; ``retry_now`` (the
  admin action) puts it back in the queue.

Tunables are read from settings at call time, with the defaults below.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime, parseaddr

from celery.exceptions import MaxRetriesExceededError
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F, Q
from django.utils import timezone

from . import jobs
from .mail import SEND_TASK
from .models import OutboundEmail

logger = logging.getLogger(__name__)

Status = OutboundEmail.Status

MAX_ATTEMPTS = 8  # OUTBOX_MAX_ATTEMPTS: tries in all before a row is marked failed
RETRY_BASE_SECONDS = 60  # OUTBOX_RETRY_BASE_SECONDS: wait after the first failure; doubles
RETRY_MAX_SECONDS = 6 * 3600  # OUTBOX_RETRY_MAX_SECONDS: the longest wait between tries
SEND_LEASE_SECONDS = 15 * 60  # OUTBOX_SEND_LEASE_SECONDS: how long a claim keeps others off
QUEUED_GRACE_SECONDS = 60  # OUTBOX_QUEUED_GRACE_SECONDS: send_pending leaves fresh rows to the task
SMTP_TIMEOUT_SECONDS = 30  # used when settings.EMAIL_TIMEOUT is not set: never wait forever
ERROR_LENGTH = 300

# Written to last_error by the claim: a row that shows it (with a lease still running) is being
# sent right now; one that shows it after the lease ran out was claimed by a process that died.
IN_FLIGHT = "sending: no result reported yet"

# Errors after which the next rows would fail the same way: send_pending stops its run.
CONNECTION_ERRORS = (
    OSError,
    smtplib.SMTPConnectError,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPHeloError,
    smtplib.SMTPAuthenticationError,
)

SENT, RETRYING, FAILED, SKIPPED = "sent", "retrying", "failed", "skipped"


def _setting(name: str, default):
    return getattr(settings, name, default)


def max_attempts() -> int:
    return int(_setting("OUTBOX_MAX_ATTEMPTS", MAX_ATTEMPTS))


def backoff(attempts: int) -> float:
    """Seconds to wait after the ``attempts``-th failed try: base, 2×base, 4×base … capped."""
    base = float(_setting("OUTBOX_RETRY_BASE_SECONDS", RETRY_BASE_SECONDS))
    cap = float(_setting("OUTBOX_RETRY_MAX_SECONDS", RETRY_MAX_SECONDS))
    return min(cap, base * 2 ** max(0, min(attempts - 1, 30)))


@dataclass(frozen=True)
class Outcome:
    result: str  # SENT, RETRYING, FAILED or SKIPPED
    countdown: float | None = None  # seconds until the next try, when RETRYING
    connection_failed: bool = False  # the server could not be reached or talked to at all


def deliver(
    email_id: int, *, in_worker: bool = False, task=None, now: datetime | None = None
) -> str:
    """Send one outbox row if it is due and nobody else is sending it; return what happened.

    ``in_worker``: run by a Celery worker, so a temporary failure also schedules
    ``task.retry`` with the backoff as countdown. Inline, a failure is only recorded and
    nothing is raised. Returns "sent", "retrying", "failed" or "skipped" (not due, already
    sent, being sent elsewhere, or gone).
    """
    outcome = _attempt(email_id, now)
    if not (in_worker and task is not None):
        return outcome.result
    countdown = outcome.countdown if outcome.result == RETRYING else None
    if outcome.result == SKIPPED:
        # A retry that came a little early (a timer firing early, clocks of two machines
        # apart) waits for the row's time; anything else is left to the periodic job.
        countdown = _early_by(email_id)
    if countdown is not None:
        try:
            # The retry is only a prompt: when it runs, the claim still decides, so it sends
            # nothing the periodic job has sent meanwhile, and nothing before it is due.
            raise task.retry(countdown=countdown, max_retries=max_attempts())
        except MaxRetriesExceededError:
            pass  # the periodic job still has the row
    return outcome.result


def send_pending(now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    """Send every due row: queued for more than a minute (its own task did not get to it),
    or retrying with its next attempt due. The periodic job and ``send_pending_email`` run it.

    Stops early when the server cannot be reached, rather than waiting out a timeout for every
    row; the rows not tried (``deferred``) keep their attempts and stay due.
    """
    explicit_now = now
    now = now or timezone.now()
    grace = timedelta(seconds=float(_setting("OUTBOX_QUEUED_GRACE_SECONDS", QUEUED_GRACE_SECONDS)))
    not_waiting = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    due = (
        Q(status=Status.QUEUED, created_at__lte=now - grace) | Q(status=Status.RETRYING)
    ) & not_waiting
    ids = list(
        OutboundEmail.objects.filter(due)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    counts = {"due": len(ids), SENT: 0, RETRYING: 0, FAILED: 0, SKIPPED: 0, "deferred": 0}
    for index, email_id in enumerate(ids):
        outcome = _attempt(email_id, explicit_now)
        counts[outcome.result] += 1
        if outcome.connection_failed:
            counts["deferred"] = len(ids) - index - 1
            logger.warning(
                "outbox: mail server unreachable; %d due e-mails left for the next run",
                counts["deferred"],
            )
            break
    return counts


def retry_now(email: OutboundEmail) -> bool:
    """Put a failed or retrying row back in the queue and have it sent after the commit.

    Returns False, changing nothing, for a row that is sent, already queued, or being sent at
    this moment. ``attempts`` keeps counting every try, so a row that had used them all gets
    one more try per ``retry_now``.
    """
    in_flight = Q(last_error=IN_FLIGHT, next_attempt_at__gt=timezone.now())
    reset = (
        OutboundEmail.objects.filter(pk=email.pk, status__in=[Status.FAILED, Status.RETRYING])
        .exclude(in_flight)
        .update(status=Status.QUEUED, next_attempt_at=None)
    )
    email.refresh_from_db()
    if reset:
        jobs.enqueue(SEND_TASK, email.pk, durable=False)  # the outbox row is the record
    return bool(reset)


# --- one attempt ----------------------------------------------------------------------------

EARLY_TOLERANCE_SECONDS = 60


def _early_by(email_id: int) -> float | None:
    """Seconds until a row waiting for its next try is due, if that is under a minute."""
    now = timezone.now()
    row = (
        OutboundEmail.objects.filter(pk=email_id, status=Status.RETRYING, next_attempt_at__gt=now)
        .exclude(last_error=IN_FLIGHT)
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if row is None:
        return None
    wait = (row - now).total_seconds()
    return wait if wait <= EARLY_TOLERANCE_SECONDS else None


def _claim(email_id: int, now: datetime) -> bool:
    """Take the row for one send, atomically: True for exactly one caller while it is due."""
    lease = timedelta(seconds=float(_setting("OUTBOX_SEND_LEASE_SECONDS", SEND_LEASE_SECONDS)))
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    return (
        OutboundEmail.objects.filter(
            due,
            pk=email_id,
            status__in=[Status.QUEUED, Status.RETRYING],
        ).update(attempts=F("attempts") + 1, next_attempt_at=now + lease, last_error=IN_FLIGHT)
        == 1
    )


def _attempt(email_id: int, now: datetime | None) -> Outcome:
    if not _claim(email_id, now or timezone.now()):
        return Outcome(SKIPPED)
    email = OutboundEmail.objects.get(pk=email_id)
    try:
        message = _build_message(email)
    except OSError as exc:  # the file store could not be read: try again later
        return _failed(email, exc, permanent=False, now=now)
    except Exception as exc:
        logger.exception("outbox: e-mail %s cannot be built", email.pk)
        return _failed(email, exc, permanent=True, now=now)
    try:
        delivered = message.send()
    except (smtplib.SMTPException, OSError) as exc:
        return _failed(
            email,
            exc,
            permanent=_is_permanent(exc),
            now=now,
            connection_failed=isinstance(exc, CONNECTION_ERRORS),
        )
    except Exception as exc:
        logger.exception("outbox: e-mail %s could not be sent", email.pk)
        return _failed(email, exc, permanent=True, now=now)
    if not delivered:
        return _failed(email, ValueError("the mail backend sent nothing"), permanent=True, now=now)
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=Status.SENT, sent_at=timezone.now(), next_attempt_at=None, last_error=""
    )
    logger.info("outbox: e-mail %s sent (attempt %d)", email.pk, email.attempts)
    return Outcome(SENT)


def _build_message(email: OutboundEmail) -> EmailMessage:
    timeout = _setting("EMAIL_TIMEOUT", None) or SMTP_TIMEOUT_SECONDS
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        connection=get_connection(timeout=timeout),
        headers={
            "Message-ID": _message_id(email),
            "Auto-Submitted": "auto-generated",
            # Japan time (+0900), not Django's UTC default: the reader sees the JST date.
            "Date": format_datetime(timezone.localtime()),
        },
    )
    for attachment in email.attachments.all():
        # Through the storage API, so the files may live on another disk or in S3.
        with attachment.file.open("rb") as handle:
            message.attach(attachment.filename, handle.read(), attachment.mimetype)
    return message


def _message_id(email: OutboundEmail) -> str:
    """One Message-ID per row, the same on every try."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<outbox.{email.pk}.{email.created_at:%Y%m%d%H%M%S}@{domain}>"


def _is_permanent(exc: BaseException) -> bool:
    """A 5xx about this message or its recipient: trying again gives the same answer."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return False


def _failed(
    email: OutboundEmail,
    exc: BaseException,
    *,
    permanent: bool,
    now: datetime | None,
    connection_failed: bool = False,
) -> Outcome:
    error = _describe(exc)
    final = permanent or email.attempts >= max_attempts()
    countdown = None if final else backoff(email.attempts)
    at = now or timezone.now()
    OutboundEmail.objects.filter(pk=email.pk, status__in=[Status.QUEUED, Status.RETRYING]).update(
        status=Status.FAILED if final else Status.RETRYING,
        last_error=error,
        next_attempt_at=None if final else at + timedelta(seconds=countdown),
    )
    logger.warning(
        "outbox: e-mail %s attempt %d failed (%s): %s",
        email.pk,
        email.attempts,
        "final" if final else f"retry in {countdown:g} s",
        error,
    )
    return Outcome(FAILED if final else RETRYING, countdown, connection_failed)


def _describe(exc: BaseException) -> str:
    """A short, secret-free line for last_error: the server's answer or the socket error."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        detail = "; ".join(f"{code} {_text(message)}" for code, message in exc.recipients.values())
    elif isinstance(exc, smtplib.SMTPResponseException):
        detail = f"{exc.smtp_code} {_text(exc.smtp_error)}"
    elif isinstance(exc, OSError) and exc.strerror:
        detail = exc.strerror
    else:
        detail = str(exc)
    return f"{type(exc).__name__}: {' '.join(detail.split())}"[:ERROR_LENGTH]


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
