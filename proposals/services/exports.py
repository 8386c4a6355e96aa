"""CSV exports of the desk inbox.

Small exports (up to ``settings.EXPORT_INLINE_MAX_ROWS`` rows) are written during the request;
larger ones become an ``ExportJob`` that a Celery task builds in chunks, writing the file
through Django's storage API and recording its progress, so neither the request nor the
worker ever holds the whole result in memory.

The file is UTF-8 with a byte-order mark (Excel opens it as UTF-8), has Japanese headers and
neutralises cells that a spreadsheet would run as a formula (titles are typed by businesses).
"""

from __future__ import annotations

import csv
import io
import logging
import tempfile
from datetime import timedelta
from types import SimpleNamespace

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files import File
from django.db.models import F, Q
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import dates, idempotency, jobs, rules
from core.spreadsheet import BOM, spreadsheet_cell

from .. import stats
from ..filters import InboxFilter
from ..models import ExportJob, Proposal, Referral
from ..states import Kind, State

logger = logging.getLogger(__name__)

CHUNK_SIZE = 2000

HEADERS = [
    "受付番号",
    "年度",
    "状態",
    "種別",
    "プログラム",
    "件名",
    "概要",
    "事業者名",
    "法人番号",
    "スタートアップ",
    "担当者",
    "受付日",
    "初回応答日",
    "未応答日数",
    "照会先部局",
]

#: GET parameters of the inbox that an export keeps (everything but the page number).
FILTER_KEYS = (
    "q",
    "state",
    "kind",
    "programme",
    "theme",
    "lead",
    "department",
    "fiscal_year",
    "startup",
    "overdue",
    "sort",
)


class ExportError(Exception):
    """An export that cannot be started; ``message`` is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def inline_max_rows() -> int:
    return int(getattr(settings, "EXPORT_INLINE_MAX_ROWS", 2000))


def query_to_dict(query) -> dict[str, list[str]]:
    """The inbox filter kept by an export: its GET parameters (a QueryDict, a query string or a
    dict of lists), without the page number."""
    if isinstance(query, str):
        query = QueryDict(query)
    if isinstance(query, QueryDict):
        return {key: query.getlist(key) for key in FILTER_KEYS if query.getlist(key)}
    return {key: list(values) for key, values in (query or {}).items() if key in FILTER_KEYS}


def export_queryset(user, query=None, selected_ids=None):
    """The proposals an export of ``user`` holds: the ticked ones, or all matching the filter.

    Raises ``ExportError`` when the filter is not valid (it would not match what the user saw).
    """
    if not rules.can_use_back_office(user):
        raise ExportError(_("Only the desk can export proposals."))
    base = Proposal.objects.filter(rules.proposals_visible_q(user))
    data = QueryDict(mutable=True)
    for key, values in query_to_dict(query).items():
        data.setlist(key, values)
    filterset = InboxFilter(data, queryset=base)
    if selected_ids:
        # The ticked rows, in the inbox's order; the other filters do not apply to them.
        if not filterset.form.is_valid():
            return filterset.filter_sort(base.filter(pk__in=selected_ids), "sort", None)
        return filterset.filter_queryset(
            base.filter(pk__in=selected_ids), skip=tuple(k for k in FILTER_KEYS if k != "sort")
        )
    if not filterset.form.is_valid():
        raise ExportError(
            _("The filter is not valid, so nothing was exported. Correct it and try again.")
        )
    return filterset.qs


#: The columns each row is read with: plain values, no model instances, so a chunk of rows
#: costs little memory and time.
ROW_FIELDS = (
    "pk",
    "receipt_number",
    "fiscal_year",
    "state",
    "kind",
    "programme__name",
    "title",
    "summary",
    "organization__name",
    "organization__corporate_number",
    "organization__is_startup",
    "lead__full_name",
    "lead__email",
    "submitted_at",
    "first_response_at",
)


def _date(value) -> str:
    return timezone.localtime(value).date().isoformat() if value else ""


def _departments(ids) -> dict[int, list[str]]:
    """The departments each of the proposals ``ids`` was referred to (one query)."""
    referred: dict[int, list[str]] = {}
    for proposal_id, name in (
        Referral.objects.filter(proposal_id__in=ids)
        .order_by("department__code")
        .values_list("proposal_id", "department__name")
    ):
        referred.setdefault(proposal_id, []).append(name)
    return referred


def _rows(chunk, today, labels):
    referred = _departments([row["pk"] for row in chunk])
    for row in chunk:
        waiting = stats.days_waiting(
            SimpleNamespace(
                submitted_at=row["submitted_at"],
                first_response_at=row["first_response_at"],
                state=row["state"],
            ),
            today,
        )
        lead = row["lead__full_name"] or row["lead__email"] or ""
        cell = spreadsheet_cell
        yield [
            cell(row["receipt_number"]),
            str(row["fiscal_year"] or ""),
            labels[row["state"]],
            labels[row["kind"]],
            cell(row["programme__name"]),
            cell(row["title"]),
            cell(row["summary"]),
            cell(row["organization__name"]),
            row["organization__corporate_number"],
            "はい" if row["organization__is_startup"] else "いいえ",
            cell(lead),
            _date(row["submitted_at"]),
            _date(row["first_response_at"]),
            "" if waiting is None else str(waiting),
            cell("、".join(referred.get(row["pk"], []))),
        ]


def write_csv(out, queryset, *, progress=None, chunk_size: int = CHUNK_SIZE) -> int:
    """Write the CSV of ``queryset`` (BOM and headers first) to the text stream ``out``.

    Rows are streamed from a server-side cursor in chunks of ``chunk_size`` (one more query per
    chunk for the departments); ``progress(n)`` is called after each chunk. Returns the number
    of rows written.
    """
    today = dates.today()
    with translation.override("ja"):
        labels = {value: str(label) for value, label in [*State.choices, *Kind.choices]}
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    count = 0
    chunk: list[dict] = []
    for row in queryset.values(*ROW_FIELDS).iterator(chunk_size=chunk_size):
        chunk.append(row)
        if len(chunk) == chunk_size:
            writer.writerows(_rows(chunk, today, labels))
            count += len(chunk)
            chunk = []
            if progress is not None:
                progress(count)
    if chunk:
        writer.writerows(_rows(chunk, today, labels))
        count += len(chunk)
    if progress is not None and (count == 0 or count % chunk_size):
        progress(count)
    return count


def start_export(
    user, query=None, selected_ids=None, *, total: int | None = None, idempotency_key: str = ""
) -> ExportJob:
    """Create an export job for ``user`` and queue its task once the transaction commits. The
    same request sent twice (its ``idempotency_key``) gives back the first job."""
    queryset = export_queryset(user, query, selected_ids)

    def create() -> ExportJob:
        job = ExportJob.objects.create(
            requested_by=user,
            query=query_to_dict(query),
            selected_ids=[int(pk) for pk in (selected_ids or [])],
            total=queryset.count() if total is None else total,
        )
        jobs.enqueue("proposals.tasks.build_export", job.pk)
        return job

    job, _created = idempotency.once(
        user,
        "export",
        idempotency_key,
        create,
        lambda pk: ExportJob.objects.filter(pk=pk, requested_by=user).first(),
    )
    return job


#: Seconds without a heartbeat after which a running export is taken for dead (its worker was
#: killed); a chunk of 2,000 rows takes well under a second.
STALL_SECONDS = 120  # EXPORT_STALL_SECONDS
#: Seconds an export may wait for a worker before it is reported as not started.
START_SECONDS = 15 * 60  # EXPORT_START_SECONDS

#: What the desk reads when an export failed (English source; translated where shown).
FAILED = gettext_noop(
    "The export failed. Please try again; if it fails again, tell the administrator."
)
STALLED = gettext_noop(
    "The export stopped: the job runner that built it stopped answering. Nothing was lost; "
    "start it again."
)
NOT_STARTED = gettext_noop(
    "The export did not start: no job runner took it. Start it again, or tell the "
    "administrator if this happens again."
)
TIMED_OUT = gettext_noop(
    "The export took longer than allowed and was stopped. Narrow the filter, or try again."
)


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def _claim(job_id: int, now) -> bool:
    """Take the job for this run: waiting, or running with a heartbeat that stopped. Exactly
    one of two workers handed the same job (a redelivered message) gets it."""
    stale = now - timedelta(seconds=_setting("EXPORT_STALL_SECONDS", STALL_SECONDS))
    runnable = Q(status=ExportJob.Status.PENDING) | Q(
        status=ExportJob.Status.RUNNING, heartbeat_at__lt=stale
    )
    return bool(
        ExportJob.objects.filter(runnable, pk=job_id).update(
            status=ExportJob.Status.RUNNING,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
            processed=0,
            error="",
        )
    )


def build_export(job_id: int) -> str:
    """Build the CSV file of export job ``job_id``; returns its final status.

    Runs in a Celery worker (or inline when there is no broker). Rows are read with a
    server-side cursor in chunks and written to a temporary file on disk, which is then saved
    through the storage API; ``processed`` and the heartbeat are updated after every chunk. A
    job that is done, failed, or being built by another worker is left alone, so a message
    delivered twice builds one file.
    """
    job = ExportJob.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None:
        return "missing"
    if not _claim(job.pk, timezone.now()):
        job.refresh_from_db(fields=["status"])
        return job.status
    try:
        queryset = export_queryset(job.requested_by, job.query, job.selected_ids)
        total = queryset.count()
        ExportJob.objects.filter(pk=job.pk).update(total=total)

        def progress(n):
            ExportJob.objects.filter(pk=job.pk).update(processed=n, heartbeat_at=timezone.now())

        with tempfile.TemporaryFile() as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            written = write_csv(text, queryset, progress=progress)
            text.flush()
            raw.seek(0)
            name = f"inbox-{job.pk}-{timezone.localtime():%Y%m%d-%H%M%S}.csv"
            job.file.save(name, File(raw, name=name), save=False)
            text.detach()
        ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).update(
            status=ExportJob.Status.DONE,
            file=job.file.name,
            processed=written,
            total=max(total, written),
            finished_at=timezone.now(),
        )
        return ExportJob.Status.DONE
    except Exception as exc:  # recorded for the user, logged for the operator
        logger.exception("export %s failed", job_id)
        if isinstance(exc, ExportError):
            message = exc.message
        elif isinstance(exc, SoftTimeLimitExceeded):
            message = TIMED_OUT
        else:
            message = FAILED
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=message, finished_at=timezone.now()
        )
        return ExportJob.Status.FAILED


def fail_stalled_exports(now=None) -> int:
    """Mark as failed, with a message and a retry button for the desk, every export whose
    worker stopped answering (no heartbeat for ``EXPORT_STALL_SECONDS``) or that no worker took
    (waiting for ``EXPORT_START_SECONDS``). The periodic job 'fail-stalled-exports' and the
    command ``fail_stalled_exports`` run it. Returns how many were marked."""
    now = now or timezone.now()
    stalled = ExportJob.objects.filter(
        status=ExportJob.Status.RUNNING,
        heartbeat_at__lt=now - timedelta(seconds=_setting("EXPORT_STALL_SECONDS", STALL_SECONDS)),
    ).update(status=ExportJob.Status.FAILED, error=STALLED, finished_at=now)
    unstarted = ExportJob.objects.filter(
        status=ExportJob.Status.PENDING,
        created_at__lt=now - timedelta(seconds=_setting("EXPORT_START_SECONDS", START_SECONDS)),
    ).update(status=ExportJob.Status.FAILED, error=NOT_STARTED, finished_at=now)
    if stalled or unstarted:
        logger.warning(
            "exports: %d stalled and %d never started, marked failed", stalled, unstarted
        )
    return stalled + unstarted


def retry_export(job: ExportJob, user) -> ExportJob:
    """Start a failed export again (the desk member who asked for it)."""
    if job.requested_by_id != user.pk or not rules.can_use_back_office(user):
        raise ExportError(_("You can only start your own exports again."))
    restarted = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.FAILED).update(
        status=ExportJob.Status.PENDING,
        error="",
        processed=0,
        heartbeat_at=None,
        finished_at=None,
        created_at=timezone.now(),
    )
    if restarted:
        jobs.enqueue("proposals.tasks.build_export", job.pk)
    job.refresh_from_db()
    return job
