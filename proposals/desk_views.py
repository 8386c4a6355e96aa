"""The desk's inbox: every submitted proposal, filtered, sorted and paged, with bulk actions
(assign a lead, export to CSV) and the status page of large exports.

Desk staff and the desk manager only (``core.rules.can_use_back_office``); everyone else
signed in gets 404, so the back office does not even reveal that it exists.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from core import audit, dates, idempotency, rules
from core.permissions import desk_only

from . import services, stats
from .filters import DEFAULT_SORT, SORTS, InboxFilter
from .models import ExportJob, Proposal, Referral
from .services import exports
from .states import OPEN_STATES, State

PAGE_SIZE = 50
#: A page never holds more rows than this, so more ticked ids than this is not a real form.
MAX_SELECTED = 1000
#: The direction a column sorts in when its header is first chosen.
FIRST_DIRECTION = {"received": "-", "waiting": "-", "receipt": "", "title": "", "state": ""}
#: Column headers of the table, in order: (sort key or None, label).
COLUMNS = [
    ("receipt", SORTS["receipt"]),
    ("title", SORTS["title"]),
    (None, gettext_lazy("Business")),
    (None, gettext_lazy("Startup")),
    (None, gettext_lazy("Programme")),
    ("state", SORTS["state"]),
    (None, gettext_lazy("Lead")),
    ("received", SORTS["received"]),
    ("waiting", SORTS["waiting"]),
]


def _query_string(params: QueryDict, **changes) -> str:
    """``params`` with ``changes`` applied (None removes a key), as ``?…`` for a link."""
    query = params.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        elif isinstance(value, list):
            query.setlist(key, value)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


def _filter_params(request) -> QueryDict:
    """The inbox filter as given, without the page number."""
    params = request.GET.copy()
    params.pop("page", None)
    return params


def _column_headers(params: QueryDict, current: str) -> list[dict]:
    headers = []
    for key, label in COLUMNS:
        header = {"key": key, "label": label, "sortable": key is not None}
        if key is not None:
            if current.lstrip("-") == key:
                descending = current.startswith("-")
                header["aria_sort"] = "descending" if descending else "ascending"
                following = key if descending else f"-{key}"
            else:
                header["aria_sort"] = None
                following = f"{FIRST_DIRECTION[key]}{key}"
            header["url"] = _query_string(params, sort=following, page=None)
        headers.append(header)
    return headers


@desk_only
@require_GET
def inbox(request):
    user = request.user
    base = Proposal.objects.filter(rules.proposals_visible_q(user))
    filterset = InboxFilter(request.GET, queryset=base, request=request)
    params = _filter_params(request)
    valid = filterset.form.is_valid()
    counts: dict[str, int] = {}
    selected_states: list[str] = []
    total = 0
    if valid:
        # One aggregate over every filter but the state: how many in each state, and (added
        # up) how many rows the list has — so the paginator needs no COUNT of its own.
        counted = filterset.filter_queryset(base, skip=("state", "sort"))
        counts = dict(counted.order_by().values_list("state").annotate(n=Count("pk")))
        selected_states = filterset.form.cleaned_data.get("state") or []
        total = sum(
            n for state, n in counts.items() if not selected_states or state in selected_states
        )
    paginator = Paginator(base.none(), PAGE_SIZE)
    paginator.count = total  # a cached_property: set from the counts above
    page = paginator.get_page(request.GET.get("page"))
    proposals: list[Proposal] = []
    if total:
        offset = (page.number - 1) * PAGE_SIZE
        filterset.plan_page(total, offset)
        # The page's ids first (a narrow sort, no joins), then its rows with what they show.
        ids = list(filterset.qs.values_list("pk", flat=True)[offset : offset + PAGE_SIZE])
        found = Proposal.objects.select_related("organization", "programme", "lead").in_bulk(ids)
        proposals = [found[pk] for pk in ids if pk in found]
    page.object_list = proposals

    today = dates.today()
    late = set()
    if proposals:
        late = set(
            Referral.objects.filter(
                proposal_id__in=[p.pk for p in proposals],
                answered_at__isnull=True,
                due_date__lt=today,
            ).values_list("proposal_id", flat=True)
        )
    for proposal in proposals:
        proposal.days_waiting = stats.days_waiting(proposal, today)
        proposal.response_overdue = stats.is_response_overdue(proposal.days_waiting)
        proposal.referral_overdue = proposal.pk in late and proposal.state in OPEN_STATES

    state_counts = [
        {
            "state": value,
            "label": label,
            "count": counts.get(value, 0),
            "selected": value in selected_states,
            "url": _query_string(params, state=[value], page=None),
        }
        for value, label in State.choices
        if value != State.DRAFT
    ]
    sort = filterset.current_sort if valid else DEFAULT_SORT
    return render(
        request,
        "proposals/desk/inbox.html",
        {
            "filter": filterset,
            "valid": valid,
            "page": page,
            "proposals": proposals,
            "total": total,
            "state_counts": state_counts,
            "all_states_url": _query_string(params, state=None, page=None),
            "counts_total": sum(counts.values()),
            "headers": _column_headers(params, sort),
            "query": params.urlencode(),
            # A large export asked twice (a double click) starts one job.
            "idempotency_key": idempotency.new_key(),
            "page_url": _query_string(params, page=None),
            "previous_url": (
                _query_string(params, page=str(page.previous_page_number()))
                if page.has_previous()
                else None
            ),
            "next_url": (
                _query_string(params, page=str(page.next_page_number()))
                if page.has_next()
                else None
            ),
            "leads": [u for u in filterset.desk_users if u.is_active],
            "filters_open": any(
                k in params
                for k in (
                    "state",
                    "kind",
                    "programme",
                    "theme",
                    "lead",
                    "department",
                    "fiscal_year",
                    "startup",
                    "overdue",
                )
            )
            or not valid,
            "target_days": stats.response_target_days(),
            "inline_max_rows": exports.inline_max_rows(),
        },
    )


# --- bulk actions ---------------------------------------------------------------------------


class SelectionError(Exception):
    pass


def _selection(request) -> tuple[list[int] | None, str]:
    """(the ticked ids, or None for "all matching the filter"; the filter's query string)."""
    query = QueryDict(request.POST.get("query", "")).copy()
    query.pop("page", None)
    query_string = query.urlencode()
    if request.POST.get("all_matching") == "1":
        return None, query_string
    raw = request.POST.getlist("ids")
    if not raw:
        raise SelectionError(_("Tick at least one proposal, or choose all matching proposals."))
    if len(raw) > MAX_SELECTED or not all(value.isdigit() and len(value) < 19 for value in raw):
        raise SelectionError(_("The selection could not be read. Tick the proposals again."))
    return sorted({int(value) for value in raw}), query_string


def _back_to_inbox(query_string: str):
    url = reverse("desk:inbox")
    return redirect(f"{url}?{query_string}" if query_string else url)


class AssignForm(forms.Form):
    lead = forms.ChoiceField()

    def __init__(self, *args, leads=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].choices = [("none", "")] + [(str(u.pk), str(u)) for u in leads]


@desk_only
@require_POST
def assign(request):
    try:
        ids, query_string = _selection(request)
    except SelectionError as exc:
        messages.error(request, str(exc))
        return _back_to_inbox(QueryDict(request.POST.get("query", "")).urlencode())
    leads = {str(u.pk): u for u in services.desk_users()}
    form = AssignForm(request.POST, leads=leads.values())
    if not form.is_valid():
        messages.error(request, _("Choose who should lead the selected proposals."))
        return _back_to_inbox(query_string)
    lead = None if form.cleaned_data["lead"] == "none" else leads[form.cleaned_data["lead"]]
    if ids is None:
        try:
            proposals = exports.export_queryset(request.user, query_string)
        except exports.ExportError:
            messages.error(
                request,
                _("The filter is not valid, so nothing was assigned. Correct it and try again."),
            )
            return _back_to_inbox(query_string)
    else:
        proposals = ids
    try:
        count = services.assign_lead(proposals, lead, request.user)
    except services.InboxActionError as exc:
        messages.error(request, exc.message)
        return _back_to_inbox(query_string)
    if lead is None:
        messages.success(
            request,
            ngettext(
                "The lead was removed from %(count)d proposal.",
                "The lead was removed from %(count)d proposals.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d proposal is now led by %(name)s.",
                "%(count)d proposals are now led by %(name)s.",
                count,
            )
            % {"count": count, "name": lead.full_name or lead.email},
        )
    return _back_to_inbox(query_string)


@desk_only
@require_POST
def export(request):
    try:
        ids, query_string = _selection(request)
        queryset = exports.export_queryset(request.user, query_string, ids)
    except SelectionError as exc:
        messages.error(request, str(exc))
        return _back_to_inbox(QueryDict(request.POST.get("query", "")).urlencode())
    except exports.ExportError as exc:
        messages.error(request, exc.message)
        return _back_to_inbox(query_string)
    count = queryset.count()
    if count == 0:
        messages.error(request, _("There is nothing to export: no proposal matches."))
        return _back_to_inbox(query_string)
    if count <= exports.inline_max_rows():
        audit.record(request.user, "export_csv", "inbox", detail=f"{count} rows", request=request)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="kyoso-inbox-{timezone.localtime():%Y%m%d-%H%M}.csv"'
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        exports.write_csv(response, queryset)
        return response
    job = exports.start_export(
        request.user,
        query_string,
        ids,
        total=count,
        idempotency_key=request.POST.get(idempotency.FIELD, ""),
    )
    return redirect("desk:export_status", pk=job.pk)


def _own_job(request, pk: int) -> ExportJob:
    job = ExportJob.objects.filter(pk=pk, requested_by=request.user).first()
    if job is None:
        raise Http404
    return job


@desk_only
@require_GET
def export_status(request, pk: int):
    job = _own_job(request, pk)
    running = job.status in (ExportJob.Status.PENDING, ExportJob.Status.RUNNING)
    return render(
        request,
        "proposals/desk/export_status.html",
        {
            "job": job,
            "running": running,
            "percent": 100 if job.status == ExportJob.Status.DONE else job.percent,
            "inbox_url": reverse("desk:inbox")
            + ("?" + exports_query_string(job.query) if job.query else ""),
        },
    )


@desk_only
@require_POST
def export_retry(request, pk: int):
    """Start a failed export again; the status page follows it."""
    job = _own_job(request, pk)
    try:
        exports.retry_export(job, request.user)
    except exports.ExportError as exc:
        messages.error(request, exc.message)
    return redirect("desk:export_status", pk=job.pk)


def exports_query_string(query: dict) -> str:
    data = QueryDict(mutable=True)
    for key, values in query.items():
        data.setlist(key, values)
    return data.urlencode()


@desk_only
@require_GET
def export_download(request, pk: int):
    job = _own_job(request, pk)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    audit.record(
        request.user,
        "export_download",
        f"export:{job.pk}",
        detail=f"{job.total} rows",
        request=request,
    )
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        content_type="text/csv; charset=utf-8",
        filename=f"kyoso-inbox-{timezone.localtime(job.created_at):%Y%m%d-%H%M}.csv",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
