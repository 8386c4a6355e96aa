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
from types import SimpleNamespace

from django.conf import settings
from django.core.files import File
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import dates, jobs, rules
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


def start_export(user, query=None, selected_ids=None, *, total: int | None = None) -> ExportJob:
    """Create an export job for ``user`` and queue its task once the transaction commits."""
    queryset = export_queryset(user, query, selected_ids)
    job = ExportJob.objects.create(
        requested_by=user,
        query=query_to_dict(query),
        selected_ids=[int(pk) for pk in (selected_ids or [])],
        total=queryset.count() if total is None else total,
    )
    jobs.enqueue("proposals.tasks.build_export", job.pk)
    return job


def build_export(job_id: int) -> str:
    """Build the CSV file of export job ``job_id``; returns its final status.

    Runs in a Celery worker (or inline when there is no broker). Rows are read with a
    server-side cursor in chunks and written to a temporary file on disk, which is then saved
    through the storage API; ``processed`` is updated after every chunk for the progress bar.
    """
    job = ExportJob.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None:
        return "missing"
    if job.status == ExportJob.Status.DONE:
        return job.status
    try:
        queryset = export_queryset(job.requested_by, job.query, job.selected_ids)
        total = queryset.count()
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.RUNNING, total=total, processed=0, error=""
        )

        def progress(n):
            ExportJob.objects.filter(pk=job.pk).update(processed=n)

        with tempfile.TemporaryFile() as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            written = write_csv(text, queryset, progress=progress)
            text.flush()
            raw.seek(0)
            name = f"inbox-{job.pk}-{timezone.localtime():%Y%m%d-%H%M%S}.csv"
            job.file.save(name, File(raw, name=name), save=False)
            text.detach()
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.DONE,
            file=job.file.name,
            processed=written,
            total=max(total, written),
            finished_at=timezone.now(),
        )
        return ExportJob.Status.DONE
    except Exception as exc:  # recorded for the user, logged for the operator
        logger.exception("export %s failed", job_id)
        message = (
            exc.message
            if isinstance(exc, ExportError)
            else _(
                "The export failed. Please try again; if it fails again, tell the administrator."
            )
        )
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=message, finished_at=timezone.now()
        )
        return ExportJob.Status.FAILED
