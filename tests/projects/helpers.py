"""What the tests of the project pages share: addresses, who is who on the desk's pages,
how a page is read, and the open data's header row."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import Project, Report, Site, SiteBooking
from proposals.models import ProposalTransition

# --- the public list ---------------------------------------------------------------------------

LIST = "/projects/"


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def queries_for(client, url: str) -> int:
    """Queries of one uncached anonymous request for ``url``."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


# The header row of the open data CSV (and of the static export's copy of it).
HEADER = [
    "全国地方公共団体コード",
    "ID",
    "地方公共団体名",
    "名称",
    "名称_英字",
    "概要",
    "概要_英字",
    "年度",
    "事業区分",
    "分野",
    "担当部局",
    "事業者名",
    "法人番号",
    "実施場所",
    "開始日",
    "終了日",
    "状態",
    "協定締結日",
    "調達方法",
    "成果",
    "URL",
    "公開日",
    "最終更新日",
]


# --- the desk's project pages ------------------------------------------------------------------

OUTSIDERS = [
    "business",
    "colleague",
    "other_business",
    "department",
    "other_department",
    "reviewer",
    "other_reviewer",
    "administrator",
]
DESK = ["desk_staff", "desk_manager"]


def snapshot() -> dict:
    """Everything a desk page could change, to prove that a refused request changed nothing."""
    return {
        "projects": list(Project.objects.order_by("pk").values()),
        "fields": sorted(Project.fields.through.objects.values_list("project_id", "field_id")),
        "departments": sorted(
            Project.departments.through.objects.values_list("project_id", "department_id")
        ),
        "transitions": ProposalTransition.objects.count(),
        "bookings": list(SiteBooking.objects.order_by("pk").values()),
        "sites": list(Site.objects.order_by("pk").values()),
        "reports": list(Report.objects.order_by("pk").values("pk", "state", "review_comment")),
    }


def detail_url(project) -> str:
    return reverse("project_desk:detail", args=[project.pk])


def page_of(response) -> str:
    return response.content.decode()
