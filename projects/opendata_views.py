"""Open data of the public list: the open-data page, the CSV, the JSON and the list PDF.

Anyone may read these (they hold only what the public list shows). The CSV, the JSON and the
PDF take the public list's filters from the query string, so "download what I see" is the list
page's own address with the file's path. Responses are cached whole by ``public_cache`` until
something public changes; the "PDF being prepared" page and a stored PDF are not.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core import jobs
from core.antispam import rate_limit
from core.uploads import content_disposition

from . import documents, opendata, public_cache
from .filters import filtered_public_projects
from .public_cache import cached
from .selectors import public_projects

#: How long a queued PDF job keeps others from queuing the same one (seconds). After that, a
#: job lost with a crashed worker is queued again by the next visit.
PDF_QUEUED_TIMEOUT = 10 * 60
#: The "being prepared" page reloads itself after this many seconds.
PDF_REFRESH_SECONDS = 3


def opendata_context(request, *, static_export: bool = False) -> dict:
    """What the open-data page shows; the static export renders it with the same function."""
    return {
        "columns": opendata.COLUMNS,
        "document_keys": opendata.DOCUMENT_KEYS,
        "license_name": opendata.LICENSE_NAME,
        "license_title": opendata.LICENSE_TITLE,
        "license_url": opendata.LICENSE_URL,
        "attribution": opendata.attribution(),
        "municipality_code": settings.MUNICIPALITY_CODE,
        "separator": opendata.SEPARATOR,
        "count": public_projects().count(),
        "pdf_inline_max_rows": documents.inline_max_rows(),
        "static_export": static_export,
    }


@cached
@require_safe
def opendata_index(request):
    return render(request, "projects/opendata/index.html", opendata_context(request))


def _with_license(response: HttpResponse) -> HttpResponse:
    response["Link"] = opendata.LICENSE_LINK
    return response


@cached
@require_safe
def projects_csv(request):
    """The list as CSV (UTF-8 with BOM, CRLF), filtered like the list page."""
    queryset, _filterset = filtered_public_projects(request.GET)
    response = HttpResponse(opendata.csv_bytes(queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition(opendata.csv_filename())
    return _with_license(response)


@cached
@require_safe
def projects_json(request):
    """The same records as JSON, with the licence, the municipality, the time and the count."""
    queryset, _filterset = filtered_public_projects(request.GET)
    response = HttpResponse(
        opendata.json_bytes(queryset), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{opendata.json_filename()}"'
    return _with_license(response)


def _pdf_headers(response: HttpResponse) -> HttpResponse:
    response["Content-Disposition"] = content_disposition(documents.pdf_filename())
    response["X-Content-Type-Options"] = "nosniff"
    return _with_license(response)


@cached
@require_safe
def projects_pdf(request):
    """The list as PDF: rendered now when short, otherwise built by a background job.

    For a long list the first visit queues the job and answers with a page that reloads
    itself (``<meta http-equiv="refresh">``, no JavaScript) until the stored file exists;
    then the file is served. With inline tasks the job has run before the page is drawn.
    """
    queryset, filterset = filtered_public_projects(request.GET)
    query = documents.normalized_query(request.GET, filterset)
    if urlencode(sorted(request.GET.items())) != query:
        # Made-up parameters, the page number or an ignored value: one address per list, so
        # nobody can make the server render a new PDF by inventing parameters.
        return redirect(reverse("projects:pdf") + (f"?{query}" if query else ""))
    generation = public_cache.generation()
    if queryset.count() <= documents.inline_max_rows() or generation is None:
        # Short lists, and every list while the shared cache is down (no generation to key a
        # stored file by, no flag to keep the job from being queued twice): render now.
        return _render_pdf_now(request)

    key = documents.storage_key(query, generation)
    if not default_storage.exists(key):
        if cache.add(f"{key}:queued", True, timeout=PDF_QUEUED_TIMEOUT):
            jobs.enqueue("projects.tasks.build_list_pdf", query, key)
        if not default_storage.exists(key):
            return _preparing(request, query)
    response = FileResponse(default_storage.open(key, "rb"), content_type="application/pdf")
    response.no_public_cache = True
    return _pdf_headers(response)


@rate_limit("public_pdf", methods=("GET", "HEAD"))
def _render_pdf_now(request):
    data = documents.render_list_pdf(request.GET)
    return _pdf_headers(HttpResponse(data, content_type="application/pdf"))


def _preparing(request, query: str) -> HttpResponse:
    pdf_url = reverse("projects:pdf") + (f"?{query}" if query else "")
    list_url = reverse("projects:list") + (f"?{query}" if query else "")
    response = render(
        request,
        "projects/opendata/pdf_preparing.html",
        {
            "pdf_url": pdf_url,
            "list_url": list_url,
            "refresh_seconds": PDF_REFRESH_SECONDS,
            "title": _("The PDF is being prepared"),
        },
        status=202,
    )
    response.no_public_cache = True
    response["Cache-Control"] = "no-store"
    response["Retry-After"] = str(PDF_REFRESH_SECONDS)
    return response
