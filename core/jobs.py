"""The one way code asks for background work: ``enqueue(task_name, *args)``.

Services name the task (``"proposals.tasks.build_export"``) instead of importing it: a task
module calls its service, so a service that imported its task back would make a circle. The
task is looked up in Celery's registry when it is sent; with no broker configured it runs
inline (eager), as every task does in the embedded mode.

Nothing a committed change asked for is lost, and a committed change always answers success:

* ``enqueue`` writes a ``QueuedTask`` row in the caller's transaction (a change that rolls
  back asks for nothing);
* after the commit it hands the task to the broker and deletes the row. If the broker is down
  (Redis restarting, the network gone), the failure is logged — once per outage, not per
  request — and the row stays; the user who made the change still gets their answer;
* ``sweep`` (the periodic task ``core.tasks.sweep_queued_tasks`` and the command
  ``send_queued_tasks`` for cron) hands over every row left behind, oldest first, once the
  broker answers again. A row whose task keeps failing is given up after
  ``JOBS_MAX_ATTEMPTS`` tries and shown in the admin.

``durable=False`` skips the row for work that is already recorded elsewhere and swept by its
own job — the e-mail outbox, whose rows ``core.outbox.send_pending`` retries.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from importlib import import_module

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import QueuedTask

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # JOBS_MAX_ATTEMPTS
#: The sweeper leaves fresh rows to the commit that wrote them (seconds).
GRACE_SECONDS = 30  # JOBS_SWEEP_GRACE_SECONDS
ERROR_LENGTH = 300


class UnknownTask(LookupError):
    """No Celery task has this name: a typo, or its app's ``tasks`` module was not loaded."""


def task(name: str):
    """The registered Celery task called ``name`` (``"<app>.tasks.<task>"``).

    Its module is imported first: a task registers itself when its module loads, and a process
    that has not loaded it yet (a web process, a test) must not depend on Celery's autodiscovery
    having run.
    """
    module, _, _ = name.rpartition(".")
    try:
        import_module(module)
        return current_app.tasks[name]
    except (ImportError, KeyError):
        raise UnknownTask(f"no task is registered as {name!r}") from None


def enqueue(name: str, *args, durable: bool = True, **kwargs) -> None:
    """Run task ``name`` with ``args`` once the current transaction commits (at once outside
    one). The request that called it never fails because the broker is down."""
    registered = task(name)  # fail here, in the caller, for a name that does not exist
    row_id = None
    if durable:
        row_id = QueuedTask.objects.create(name=name, args=list(args), kwargs=kwargs).pk
    transaction.on_commit(lambda: _send(registered, args, kwargs, row_id), robust=True)


def _send(registered, args, kwargs, row_id: int | None) -> bool:
    """Hand one task to the broker (or run it inline); True when it was taken."""
    try:
        registered.apply_async(args=args, kwargs=kwargs)
    except Exception as exc:
        if getattr(settings, "TASKS_INLINE", False):
            # No broker: the task ran here and failed; the sweeper tries it again later.
            logger.exception("jobs: %s failed (inline); it is tried again later", registered.name)
        else:
            _broker_down(registered.name, exc)
        if row_id is not None:
            QueuedTask.objects.filter(pk=row_id).update(
                attempts=F("attempts") + 1, last_error=_describe(exc)
            )
        return False
    _broker_up()
    if row_id is not None:
        QueuedTask.objects.filter(pk=row_id).delete()
    return True


def sweep(limit: int = 200, now=None) -> dict[str, int]:
    """Hand over the tasks a commit could not send (the broker was down). Stops at the first
    refusal: the broker is still down, the rest wait for the next run."""
    now = now or timezone.now()
    grace = timedelta(seconds=float(getattr(settings, "JOBS_SWEEP_GRACE_SECONDS", GRACE_SECONDS)))
    max_attempts = int(getattr(settings, "JOBS_MAX_ATTEMPTS", MAX_ATTEMPTS))
    rows = list(
        QueuedTask.objects.filter(given_up_at__isnull=True, created_at__lte=now - grace).order_by(
            "created_at", "pk"
        )[:limit]
    )
    counts = {"due": len(rows), "sent": 0, "left": 0, "given_up": 0}
    for index, row in enumerate(rows):
        try:
            registered = task(row.name)
        except UnknownTask as exc:
            QueuedTask.objects.filter(pk=row.pk).update(given_up_at=now, last_error=str(exc))
            counts["given_up"] += 1
            continue
        if _send(registered, row.args, row.kwargs, row.pk):
            counts["sent"] += 1
            continue
        row.refresh_from_db()
        if row.attempts >= max_attempts:
            QueuedTask.objects.filter(pk=row.pk).update(given_up_at=now)
            counts["given_up"] += 1
        counts["left"] = len(rows) - index - 1
        break
    return counts


# --- outage reporting: one log line when the broker goes away, one when it is back ----------

_state = {"down_since": None}
_state_lock = threading.Lock()


def _broker_down(name: str, exc: BaseException) -> None:
    with _state_lock:
        first = _state["down_since"] is None
        if first:
            _state["down_since"] = time.time()
    if first:
        logger.error(
            "jobs: the broker refused %s (%s); the task is kept and sent when the broker is "
            "back (core.jobs.sweep)",
            name,
            _describe(exc),
        )


def _broker_up() -> None:
    with _state_lock:
        since, _state["down_since"] = _state["down_since"], None
    if since is not None:
        logger.warning("jobs: the broker answers again after %.0f s", time.time() - since)


def broker_status() -> dict:
    """For /status: whether this process last found the broker down, and tasks waiting."""
    return {
        "down_since": _state["down_since"],
        "waiting": QueuedTask.objects.filter(given_up_at__isnull=True).count(),
        "given_up": QueuedTask.objects.filter(given_up_at__isnull=False).count(),
    }


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:ERROR_LENGTH]
