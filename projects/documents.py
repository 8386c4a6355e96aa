"""The list of adopted projects as a PDF (採択事業一覧), and the background job for long lists.

Rendered by WeasyPrint through ``proposals.documents.render_pdf`` (IPAex fonts embedded, the
date of issue in the Japanese era), always in Japanese like the city's other documents.

A list of up to ``settings.PUBLIC_PDF_INLINE_MAX_ROWS`` rows is rendered during the request.
A longer one is built by a Celery task and kept in the default storage (so every web node and
worker sees it) under a key made of the public cache's generation and the list's filter: when
anything public changes the generation goes up, so a stored PDF is never served stale, and
``refresh_public_outputs`` builds the full list's PDF ahead of the first request.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.http import urlencode

from core.dates import wareki_fiscal_year
from proposals.documents import document_moment, render_pdf

from . import opendata, public_cache
from .filters import filtered_public_projects

#: Folder of the stored list PDFs in the default storage: <folder>/<generation>/<filter>.pdf
STORAGE_FOLDER = "public-pdf"


def inline_max_rows() -> int:
    return int(getattr(settings, "PUBLIC_PDF_INLINE_MAX_ROWS", 200))


def pdf_filename() -> str:
    return f"採択事業一覧_{timezone.localdate():%Y%m%d}.pdf"


# --- the document ---------------------------------------------------------------------------


def _valid_filters(filterset) -> dict:
    """The filter values that were applied (invalid ones are ignored, as on the list page)."""
    if filterset is None or not filterset.is_bound:
        return {}
    filterset.form.is_valid()
    cleaned = getattr(filterset.form, "cleaned_data", {})
    return {
        name: value
        for name, value in cleaned.items()
        if name != "page" and value not in (None, "", [], ())
    }


#: The filters' names as the Japanese document writes them (the words of the CSV's columns),
#: whatever the translation catalogue holds.
CONDITION_LABELS = {
    "q": "キーワード",
    "fiscal_year": "年度",
    "programme": "事業区分",
    "field": "分野",
    "status": "状態",
    "department": "担当部局",
}


def _conditions(filterset) -> list[tuple[str, str]]:
    """The filter the list was drawn with, as (label, value) lines for the document's head."""
    lines = []
    for name, value in _valid_filters(filterset).items():
        field = filterset.form.fields[name]
        if name == "status":
            shown = opendata.STATUS_WORDS.get(value, value)
        else:
            shown = dict(getattr(field, "choices", ()) or ()).get(value, value)
        lines.append((CONDITION_LABELS.get(name) or str(field.label or name), str(shown)))
    return lines


def list_context(projects, filterset=None) -> dict:
    rows = []
    for project in projects:
        rows.append(
            {
                "id": project.public_id,
                "fiscal_year": f"{project.fiscal_year}年度（{wareki_fiscal_year(project.fiscal_year)}）",
                "title": project.public_title,
                "partner": project.partner_name,
                "programme": project.programme.name,
                "fields": "、".join(field.name for field in project.fields.all()),
                "departments": "、".join(
                    department.name for department in project.departments.all()
                ),
                "locations": project.locations,
                "period": _period(project),
                "status": opendata.STATUS_WORDS.get(project.status, project.status),
            }
        )
    return {
        "rows": rows,
        "count": len(rows),
        "issued": document_moment(timezone.now()),
        "conditions": _conditions(filterset),
        "attribution": opendata.attribution(),
        "license_url": opendata.LICENSE_URL,
        "site_url": settings.SITE_URL,
    }


def _period(project) -> str:
    start, end = project.period_start, project.period_end
    if not start and not end:
        return ""
    return (
        f"{start:%Y-%m-%d}〜{end:%Y-%m-%d}"
        if start and end
        else (f"{start:%Y-%m-%d}〜" if start else f"〜{end:%Y-%m-%d}")
    )


def render_list_pdf(params=None) -> bytes:
    """The public list drawn with the filter ``params`` as an A4 landscape PDF in Japanese.

    The filter is read in Japanese too, so the conditions printed in the document's head
    (年度＝2026年度…) do not depend on the language of the page it was asked from.
    """
    with translation.override("ja"):
        queryset, filterset = filtered_public_projects(params)
        context = list_context(queryset, filterset)
        return render_pdf("projects/pdf/list.html", context, language="ja")


# --- stored PDFs for long lists -------------------------------------------------------------


def normalized_query(params, filterset=None) -> str:
    """The applied filter as a sorted query string: the same list always gives the same key.

    Only valid values of the list's own filters count (not the page number, made-up
    parameters or values the filter ignores), so nobody can make the server build one PDF
    per invented parameter.
    """
    if filterset is None:
        _queryset, filterset = filtered_public_projects(params)
    pairs = sorted(
        (name, str(value).strip())
        for name, value in _valid_filters(filterset).items()
        if str(value).strip()
    )
    return urlencode(pairs)


def storage_key(query: str, generation: int | None = None) -> str:
    generation = public_cache.generation() if generation is None else generation
    digest = hashlib.sha256(query.encode()).hexdigest()[:24]
    return f"{STORAGE_FOLDER}/{generation}/{digest}.pdf"


def build_stored_pdf(query: str, key: str) -> str:
    """Render the list drawn with ``query`` and store it under ``key`` (the Celery job)."""
    data = render_list_pdf(QueryDict(query))
    if default_storage.exists(key):
        default_storage.delete(key)
    saved = default_storage.save(key, ContentFile(data))
    remove_old_generations()
    return saved


def remove_old_generations(current: int | None = None) -> int:
    """Delete stored PDFs of generations before ``current``: they can never be served again."""
    current = public_cache.generation() if current is None else current
    removed = 0
    if current is None:  # the shared cache is down: which generation is current is unknown
        return 0
    try:
        folders, _files = default_storage.listdir(STORAGE_FOLDER)
    except (FileNotFoundError, NotImplementedError):
        return 0
    for folder in folders:
        if folder.isdigit() and int(folder) < current:
            _folders, files = default_storage.listdir(f"{STORAGE_FOLDER}/{folder}")
            for name in files:
                default_storage.delete(f"{STORAGE_FOLDER}/{folder}/{name}")
                removed += 1
    return removed


def prebuild_full_list_pdf() -> str | None:
    """Build the unfiltered list's PDF ahead of time when it is too long to render on request."""
    queryset, _filterset = filtered_public_projects(QueryDict())
    if queryset.count() <= inline_max_rows():
        return None
    key = storage_key("")
    if default_storage.exists(key):
        return key
    return build_stored_pdf("", key)
