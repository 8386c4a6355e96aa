"""The public pages of adopted projects: the list, a project, the statistics.

Anyone may see them; they show only what ``selectors.public_projects`` gives (published
projects with an approved public text) and only the public fields of those: never anything
from the proposal behind a project.

Each view is cached whole (``public_cache.cached``) until something public changes, and runs a
fixed number of queries when it does render (see the tests). The context of each page is
built by a ``*_context`` function that the static export (``manage.py export_public_site``)
calls too, with ``static_export=True``: the list then holds every row on one page, and the
templates leave out what a static site cannot do (the filter form, the search, paging).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from core.documents.charts import percent
from themes.selectors import active_programmes

from . import selectors, stats
from .filters import filtered_public_projects, fiscal_year_label
from .models import Project, Status
from .public_cache import cached

PAGE_SIZE = 50
#: Stands for the number in the one ``reverse`` of the list's detail addresses (never a pk).
_PK_PLACEHOLDER = 9876543210


def _query_string(params: QueryDict, **changes) -> str:
    """``params`` without ``page``, with ``changes`` applied (None removes a key)."""
    query = params.copy() if isinstance(params, QueryDict) else _as_querydict(params)
    query.pop("page", None)
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


def _as_querydict(params) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in (params or {}).items():
        if isinstance(value, (list, tuple)):
            query.setlist(key, [str(v) for v in value])
        else:
            query[key] = str(value)
    return query


def list_context(request, params, *, static_export: bool = False) -> dict:
    """What ``projects/public/list.html`` needs for the published projects ``params`` selects.

    With ``static_export`` every row is on the one page and no filter is applied (a static
    site cannot filter; ``params`` should then be empty).
    """
    params = params if params is not None else QueryDict()
    queryset, filterset = filtered_public_projects(params)
    queryset = selectors.for_list_rows(queryset)
    filtered = filterset.active
    if static_export:
        projects = list(queryset)
        page, total = None, len(projects)
    else:
        paginator = Paginator(queryset, PAGE_SIZE)
        if not filtered:
            # No condition applies: the filter set has counted them already (no COUNT query).
            paginator.count = filterset.published_count
        # A page number past the end gives the last page, a page number that is not a number
        # the first: an old link still shows something.
        page = paginator.get_page(params.get("page"))
        projects = list(page.object_list)
        total = paginator.count
    _prepare_rows(projects)
    query = _query_string(params)
    context = {
        "static_export": static_export,
        "filter": filterset,
        "ignored": filterset.ignored,
        "filtered": filtered,
        "projects": projects,
        "page": page,
        "total": total,
        "query": query,
    }
    if page is not None and page.has_other_pages():
        context["previous_url"] = (
            "?" + _query_string(params, page=str(page.previous_page_number()))
            if page.has_previous()
            else None
        )
        context["next_url"] = (
            "?" + _query_string(params, page=str(page.next_page_number()))
            if page.has_next()
            else None
        )
    return context


def _prepare_rows(projects) -> None:
    """Give each project of the list what its row shows, as ready strings.

    Rows repeat the same few values (a handful of years, programmes, fields, departments and
    statuses; dates that many projects share): each is worked out once per list rather than
    once per row in the template, where a translation lookup, a date format or a ``reverse``
    for every cell made up most of the page's time.
    """
    english = get_language() == "en"
    years: dict[int, str] = {}
    programmes: dict[int, str] = {}
    departments: dict[int, str] = {}
    fields: dict[int, str] = {}
    dates: dict = {}
    statuses = {value: str(label) for value, label in Status.choices}
    # The addresses of the projects differ only by the number: one ``reverse`` for them all.
    url_start, url_end = reverse("projects:detail", args=[_PK_PLACEHOLDER]).split(
        str(_PK_PLACEHOLDER)
    )

    def date_label(value):
        if value not in dates:
            dates[value] = formats.date_format(value, "DATE_FORMAT")
        return dates[value]

    for project in projects:
        year = project.fiscal_year
        if year not in years:
            years[year] = fiscal_year_label(year)
        project.fiscal_year_label = years[year]
        if project.programme_id not in programmes:
            programmes[project.programme_id] = str(project.programme)
        project.programme_label = programmes[project.programme_id]
        project.detail_url = f"{url_start}{project.pk}{url_end}"
        # lang="ja" on the Japanese text an English page shows where no translation exists.
        project.title_in_japanese = english and not project.public_title_en
        project.locations_in_japanese = (
            english and bool(project.locations) and not project.locations_en
        )
        for department in project.list_departments:
            if department.pk not in departments:
                departments[department.pk] = str(department)
        project.department_labels = [departments[d.pk] for d in project.list_departments]
        for field in project.list_fields:
            if field.pk not in fields:
                fields[field.pk] = field.localized_name
        project.field_labels = [fields[f.pk] for f in project.list_fields]
        if project.period_start:
            project.period_start_iso = project.period_start.isoformat()
            project.period_start_label = date_label(project.period_start)
        if project.period_end:
            project.period_end_iso = project.period_end.isoformat()
            project.period_end_label = date_label(project.period_end)
        project.status_label = statuses.get(project.status, project.status)


def detail_context(request, project, *, static_export: bool = False) -> dict:
    """What ``projects/public/detail.html`` needs. ``project`` must come from
    ``selectors.public_projects()`` (the view and the static export ensure it)."""
    project.fiscal_year_label = fiscal_year_label(project.fiscal_year)
    return {"static_export": static_export, "project": project}


def statistics_context(request, *, static_export: bool = False) -> dict:
    data = stats.public_statistics()
    return {
        "static_export": static_export,
        "data": data,
        "charts": stats.build_charts(data),
        "adoption_rate": percent(data.adoption_rate),
        "startup_share": percent(data.startup_share),
    }


@require_safe
@cached
def project_list(request):
    return render(request, "projects/public/list.html", list_context(request, request.GET))


@require_safe
@cached
def project_detail(request, pk: int):
    project = selectors.public_project(pk)
    if project is None:
        raise Http404
    return render(request, "projects/public/detail.html", detail_context(request, project))


@require_safe
@cached
def statistics(request):
    return render(request, "projects/public/statistics.html", statistics_context(request))


@require_safe
def home(request):
    """The site's front page: what the desk is, its programmes, how to propose, and how many
    adopted projects the public list holds."""
    return render(
        request,
        "projects/public/home.html",
        {
            "programmes": active_programmes(),
            "published_projects_count": Project.objects.published().count(),
        },
    )
