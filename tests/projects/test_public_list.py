"""The public list of adopted projects: filters, search, bad filter values, paging, languages,
a constant number of queries, the cache and its invalidation, the static-export context, and the
home page's link to it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from projects import public_views, services
from projects.filters import filtered_public_projects
from projects.models import Status
from tests import factories
from tests.factories import field, make_project

from .helpers import LIST, html_of

pytestmark = pytest.mark.django_db

LIST_EN = "/en/projects/"


def row_titles(html: str) -> list[str]:
    """The project titles of the list's rows, in order."""
    return re.findall(r'<th scope="row"><a href="[^"]+"[^>]*>([^<]+)</a></th>', html)


def queries_of(client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return len(ctx.captured_queries), response


# --- what the list shows --------------------------------------------------------------------


def test_anonymous_sees_published_projects_with_every_column(people, client):
    dept = people["department"].department
    prog = factories.programme(name="実証実験フルサポート", name_en="Demonstration support")
    project = make_project(
        people,
        title="AIで呼べる乗合タクシーの実証",
        programme=prog,
        fields=[field("mobility")],
        departments=[dept],
        locations="中央区天神",
        period=(dt.date(2026, 5, 1), dt.date(2027, 3, 31)),
    )
    make_project(people, title="承認済みで未公開の事業", publish=False)
    make_project(people, title="未承認の事業", approve=False)

    html = html_of(client.get(LIST))

    assert row_titles(html) == ["AIで呼べる乗合タクシーの実証"]
    assert f'href="{reverse("projects:detail", args=[project.pk])}"' in html
    for text in (
        "2026年度（令和8年度）",
        "実証実験フルサポート",
        project.partner_name,
        dept.name,
        "交通・モビリティ",
        "中央区天神",
        'datetime="2026-05-01"',
        'datetime="2027-03-31"',
        str(Status.PREPARING.label),
    ):
        assert text in html, text
    assert "承認済みで未公開の事業" not in html and "未承認の事業" not in html
    assert "社内向けの提案名" not in html  # the proposal's own title is never shown
    assert re.search(r"<table[^>]*>\s*<caption", html)
    assert '<th scope="col">' in html
    assert client.head(LIST).status_code == 200
    assert client.post(LIST).status_code == 405


def test_result_count_and_empty_list(people, client):
    with translation.override("en"):
        assert "No project has been published yet." in html_of(client.get(LIST_EN))
        make_project(people, title="一件目")
        make_project(people, title="二件目")
        cache.clear()
        assert "2 projects." in html_of(client.get(LIST_EN))
        html = html_of(client.get(LIST_EN + "?q=一件目"))
        assert "1 project matches the conditions." in html
        html = html_of(client.get(LIST_EN + "?q=存在しない語"))
        assert "No project matches these conditions." in html


def test_links_carry_the_current_filter_and_the_feed_is_announced(people, client):
    make_project(people, fields=[field("mobility")])
    html = html_of(client.get(LIST + "?field=mobility&q=AI&page=1"))
    for name in ("csv", "json", "pdf"):
        assert f'href="{reverse("projects:" + name)}?field=mobility&amp;q=AI"' in html, name
    assert f'href="{reverse("projects:statistics")}"' in html
    assert f'href="{reverse("projects:opendata")}"' in html
    head = html.split("</head>")[0]
    assert re.search(
        r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" '
        rf'href="{re.escape(reverse("projects:feed"))}">',
        head,
    )


def test_the_filter_form_is_a_labelled_get_form(people, client):
    html = html_of(client.get(LIST))
    form = re.search(r'<form method="get" action="/projects/"[^>]*>(.*?)</form>', html, re.S)
    assert form, "a GET form to the list"
    for name in ("q", "fiscal_year", "programme", "field", "status", "department"):
        assert f'<label for="id_{name}">' in form.group(1), name
        assert f'name="{name}"' in form.group(1), name


# --- filters ----------------------------------------------------------------------------------


@pytest.fixture
def three_projects(people):
    """Three published projects that differ in every filtered attribute."""
    prog_a = factories.programme(code="joint", name="共働事業", name_en="Joint project")
    prog_b = factories.programme(code="demo", name="実証実験フルサポート", name_en="Demo support")
    dept_a, dept_b = people["department"].department, people["other_department"].department
    bus = make_project(
        people,
        title="乗合バスの実証",
        fiscal_year=2025,
        programme=prog_a,
        fields=[field("mobility")],
        departments=[dept_a],
        locations="東区",
    )
    care = make_project(
        people,
        title="見守りセンサーの導入",
        fiscal_year=2026,
        programme=prog_b,
        fields=[field("welfare"), field("digital")],
        departments=[dept_b],
        locations="南区",
    )
    school = make_project(
        people,
        title="学校の防災教材",
        fiscal_year=2026,
        programme=prog_a,
        fields=[field("childcare")],
        departments=[dept_a, dept_b],
    )
    services.record_agreement(care, people["desk_staff"], agreement_date=timezone.localdate())
    services.start_field(care, people["desk_staff"])
    return {"bus": bus, "care": care, "school": school, "dept_a": dept_a, "dept_b": dept_b}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("fiscal_year=2025", ["乗合バスの実証"]),
        ("fiscal_year=2026", ["見守りセンサーの導入", "学校の防災教材"]),
        ("programme=joint", ["乗合バスの実証", "学校の防災教材"]),
        ("programme=demo", ["見守りセンサーの導入"]),
        ("field=welfare", ["見守りセンサーの導入"]),
        ("field=digital", ["見守りセンサーの導入"]),
        ("field=disaster", []),
        ("status=demonstrating", ["見守りセンサーの導入"]),
        ("status=preparing", ["乗合バスの実証", "学校の防災教材"]),
        ("programme=joint&fiscal_year=2026", ["学校の防災教材"]),
    ],
)
def test_each_filter(three_projects, client, query, expected):
    assert sorted(row_titles(html_of(client.get(f"{LIST}?{query}")))) == sorted(expected)


def test_department_filter(three_projects, client):
    code_a, code_b = three_projects["dept_a"].code, three_projects["dept_b"].code
    assert sorted(row_titles(html_of(client.get(f"{LIST}?department={code_a}")))) == sorted(
        ["乗合バスの実証", "学校の防災教材"]
    )
    assert sorted(row_titles(html_of(client.get(f"{LIST}?department={code_b}")))) == sorted(
        ["見守りセンサーの導入", "学校の防災教材"]
    )


def test_the_fiscal_year_menu_offers_only_years_with_published_projects(
    people, three_projects, client
):
    make_project(people, fiscal_year=2019, publish=False)
    html = html_of(client.get(LIST))
    menu = re.search(r'<select name="fiscal_year".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="(\d+)">([^<]+)</option>', menu) == [
        ("2026", "2026年度（令和8年度）"),
        ("2025", "2025年度（令和7年度）"),
    ]
    with translation.override("en"):
        menu = re.search(
            r'<select name="fiscal_year".*?</select>', html_of(client.get(LIST_EN)), re.S
        ).group(0)
    assert re.findall(r'<option value="(\d+)">([^<]+)</option>', menu) == [
        ("2026", "FY2026"),
        ("2025", "FY2025"),
    ]


def test_filtered_public_projects_gives_the_same_rows_as_the_page(three_projects):
    queryset, filterset = filtered_public_projects(QueryDict("programme=joint&fiscal_year=abc"))
    assert {p.public_title for p in queryset} == {"乗合バスの実証", "学校の防災教材"}
    assert [item["field"].name for item in filterset.ignored] == ["fiscal_year"]
    queryset, _ = filtered_public_projects({"field": "welfare"})
    assert [p.public_title for p in queryset] == ["見守りセンサーの導入"]
    queryset, _ = filtered_public_projects(None)
    assert queryset.count() == 3


# --- keyword --------------------------------------------------------------------------------


@pytest.fixture
def searchable(people):
    other = factories.organization(name="九州モビリティ株式会社")
    return [
        make_project(
            people,
            title="乗合タクシーの実証",
            summary="電話で呼べる乗合タクシー",
            title_en="Shared taxi trial",
            summary_en="A Shared Taxi you can call",
            locations="西区今宿",
            locations_en="Imajuku, Nishi Ward",
        ),
        make_project(
            people,
            title="防災アプリ",
            summary="避難所の混雑を知らせる",
            organization=other,
            locations="博多区",
        ),
    ]


@pytest.mark.parametrize(
    "keyword, expected",
    [
        ("タクシー", ["乗合タクシーの実証"]),  # the Japanese title
        ("混雑", ["防災アプリ"]),  # the Japanese summary
        ("shared taxi", ["乗合タクシーの実証"]),  # English, any case, both words
        ("CALL", ["乗合タクシーの実証"]),  # the English summary
        ("九州モビリティ", ["防災アプリ"]),  # the partner's name
        ("今宿", ["乗合タクシーの実証"]),  # the location
        ("imajuku", ["乗合タクシーの実証"]),  # the location in English
        ("防災　博多", ["防災アプリ"]),  # words separated by a full-width space: AND
        ("防災 今宿", []),  # no project has both
    ],
)
def test_keyword(searchable, client, keyword, expected):
    html = html_of(client.get(LIST, {"q": keyword}))
    assert row_titles(html) == expected
    assert f'value="{keyword}"' in html  # the keyword stays in the box


def test_keyword_does_not_search_the_proposal(people, client):
    make_project(
        people,
        title="公開名",
        proposal_fields={
            "title": "秘密の題名ZQX",
            "summary": "秘密の要約ZQX",
            "problem": "秘密の課題ZQX",
        },
    )
    for word in ("秘密の題名ZQX", "秘密の要約ZQX", "秘密の課題ZQX"):
        assert row_titles(html_of(client.get(LIST, {"q": word}))) == [], word


# --- bad filter values ----------------------------------------------------------------------


def test_invalid_values_are_ignored_with_a_message_and_other_filters_still_apply(
    three_projects, client
):
    with translation.override("en"):
        html = html_of(
            client.get(LIST_EN + "?fiscal_year=abc&field=nonexistent&status=zzz&programme=joint")
        )
    assert sorted(row_titles(html)) == sorted(["乗合バスの実証", "学校の防災教材"])
    notice = re.search(r'<div class="filter-notice".*?</div>', html, re.S).group(0)
    for value, name in (("abc", "fiscal_year"), ("nonexistent", "field"), ("zzz", "status")):
        assert (
            f"“{value}” is not one of the values you can choose. The list is shown without "
            "this condition." in notice
        ), value
        assert f'href="#id_{name}"' in notice
        # The message is also next to the field, tied to it for screen readers.
        assert f'id="id_{name}-error"' in html
        assert re.search(
            rf'<select name="{name}" aria-describedby="id_{name}-error" '
            r'aria-invalid="true"',
            html,
        ), name
    assert "programme" not in notice


def test_invalid_department_and_programme_are_ignored(three_projects, client):
    html = html_of(client.get(LIST + "?department=no-such-dept&programme=nothing&fiscal_year=2025"))
    assert row_titles(html) == ["乗合バスの実証"]
    assert "filter-notice" in html
    assert 'href="#id_department"' in html and 'href="#id_programme"' in html


def test_a_message_in_japanese_too(three_projects, client):
    html = html_of(client.get(LIST + "?status=zzz"))
    assert "filter-notice" in html and "zzz" in html
    assert len(row_titles(html)) == 3


def test_a_too_long_keyword_is_ignored_and_kept_in_the_box(three_projects, client):
    keyword = "乗" * 101
    with translation.override("en"):
        html = html_of(client.get(LIST_EN, {"q": keyword, "fiscal_year": "2025"}))
    assert row_titles(html) == ["乗合バスの実証"]
    assert "The keyword is longer than 100 characters. The list is shown without it." in html
    assert f'value="{keyword}"' in html


# --- paging ---------------------------------------------------------------------------------


def test_fifty_rows_a_page_and_a_page_out_of_range_shows_the_last_page(people, client):
    prog = factories.programme()
    for n in range(51):
        make_project(people, title=f"事業{n:02d}", programme=prog)
    first = html_of(client.get(LIST))
    assert len(row_titles(first)) == 50
    assert 'rel="next"' in first and "?page=2" in first
    last = html_of(client.get(LIST + "?page=2"))
    assert len(row_titles(last)) == 1
    beyond = client.get(LIST + "?page=99")
    assert beyond.status_code == 200
    assert row_titles(html_of(beyond)) == row_titles(last)
    assert len(row_titles(html_of(client.get(LIST + "?page=abc")))) == 50
    # A filter is kept in the paging links.
    html = html_of(client.get(LIST + "?programme=" + prog.code))
    assert f'href="?programme={prog.code}&amp;page=2"' in html


# --- languages ------------------------------------------------------------------------------


def test_english_page_shows_english_titles_when_given_and_japanese_otherwise(people, client):
    make_project(
        people, title="乗合タクシーの実証", title_en="Shared taxi trial", fields=[field("mobility")]
    )
    make_project(people, title="見守りセンサーの導入")
    with translation.override("en"):
        html = html_of(client.get(LIST_EN))
    assert sorted(row_titles(html)) == sorted(["Shared taxi trial", "見守りセンサーの導入"])
    assert "乗合タクシーの実証" not in html
    # Japanese shown on the English page is marked as Japanese (WCAG 3.1.2).
    assert re.search(r'<a href="/en/projects/\d+/">Shared taxi trial</a>', html)
    assert re.search(r'<a href="/en/projects/\d+/" lang="ja">見守りセンサーの導入</a>', html)
    assert "FY2026" in html and "Transport and mobility" in html
    assert '<html lang="en">' in html
    html = html_of(client.get(LIST))
    assert sorted(row_titles(html)) == sorted(["乗合タクシーの実証", "見守りセンサーの導入"])
    assert '<html lang="ja">' in html


# --- queries and the cache ------------------------------------------------------------------


def test_a_constant_number_of_queries_for_one_or_thirty_projects(people, client):
    depts = [people["department"].department, people["other_department"].department]
    make_project(people, fields=[field("mobility")], departments=depts[:1])
    cache.clear()
    one, response = queries_of(client, LIST)
    assert response["X-Public-Cache"] == "miss" and len(row_titles(html_of(response))) == 1
    prog = factories.programme()
    for n in range(29):
        make_project(
            people,
            title=f"事業{n}",
            programme=prog,
            fields=[field("welfare"), field("digital")],
            departments=depts,
        )
    cache.clear()
    thirty, response = queries_of(client, LIST)
    assert response["X-Public-Cache"] == "miss" and len(row_titles(html_of(response))) == 30
    assert one == thirty
    # The same with filters and a keyword applied.
    cache.clear()
    filtered, response = queries_of(client, LIST + "?q=事業&field=welfare&fiscal_year=2026")
    assert len(row_titles(html_of(response))) == 29
    cache.clear()
    for_one, response = queries_of(client, LIST + "?q=AI&field=mobility&fiscal_year=2026")
    assert len(row_titles(html_of(response))) == 1
    assert filtered == for_one


def test_a_second_anonymous_request_is_served_from_the_cache(people, client):
    make_project(people, fields=[field("mobility")])
    first = client.get(LIST + "?field=mobility")
    assert first["X-Public-Cache"] == "miss"
    with CaptureQueriesContext(connection) as ctx:
        second = client.get(LIST + "?field=mobility")
    assert second["X-Public-Cache"] == "hit"
    assert second.content == first.content
    # One query: the database cache's own read of the generation and the page together
    # (``get_many``); nothing from the middleware, nothing about projects.
    assert len(ctx.captured_queries) == 1, [q["sql"] for q in ctx.captured_queries]
    assert "kyoso_cache" in ctx.captured_queries[0]["sql"]
    # Another language or query string is another page.
    assert client.get(LIST_EN + "?field=mobility")["X-Public-Cache"] == "miss"


def test_a_signed_in_user_is_never_served_the_cache(people, client):
    make_project(people)
    client.get(LIST)
    client.force_login(people["desk_staff"])
    response = client.get(LIST)
    assert response.status_code == 200 and "X-Public-Cache" not in response


def test_publishing_or_changing_a_project_refreshes_the_list(
    people, client, django_capture_on_commit_callbacks
):
    make_project(people, title="最初の事業")
    assert row_titles(html_of(client.get(LIST))) == ["最初の事業"]
    waiting = make_project(people, title="次に公開する事業", publish=False)
    assert client.get(LIST)["X-Public-Cache"] == "hit"  # nothing public changed yet

    with django_capture_on_commit_callbacks(execute=True):
        services.publish(waiting, people["desk_manager"])
    response = client.get(LIST)
    assert response["X-Public-Cache"] == "miss"
    assert sorted(row_titles(html_of(response))) == sorted(["最初の事業", "次に公開する事業"])

    with django_capture_on_commit_callbacks(execute=True):
        services.update_details(waiting, people["desk_staff"], locations="早良区百道浜")
    assert "早良区百道浜" in html_of(client.get(LIST))

    with django_capture_on_commit_callbacks(execute=True):
        services.unpublish(waiting, people["desk_manager"])
    assert row_titles(html_of(client.get(LIST))) == ["最初の事業"]


# --- the static export's context ------------------------------------------------------------


def test_static_export_context_has_every_row_and_no_form_or_paging(people):
    prog = factories.programme()
    for n in range(51):
        make_project(people, title=f"事業{n:02d}", programme=prog)
    request = RequestFactory().get("/projects/")
    context = public_views.list_context(request, QueryDict(), static_export=True)
    assert context["static_export"] is True
    assert len(context["projects"]) == 51 and context["total"] == 51
    html = render_to_string("projects/public/list.html", context, request=request)
    assert len(row_titles(html)) == 51
    assert "<form" not in html and 'rel="next"' not in html and 'name="q"' not in html
    # The page itself does show them.
    paged = public_views.list_context(request, QueryDict())
    assert paged["static_export"] is False and len(paged["projects"]) == 50
    html = render_to_string("projects/public/list.html", paged, request=request)
    assert '<form method="get"' in html and 'rel="next"' in html


# --- the home page ------------------------------------------------------------------------


def test_home_page_links_to_the_list_and_the_statistics(client):
    html = html_of(client.get("/"))
    section = re.search(r'<section aria-labelledby="projects-heading".*?</section>', html, re.S)
    assert section, "a section about adopted projects"
    assert f'href="{reverse("projects:list")}"' in section.group(0)
    assert f'href="{reverse("projects:statistics")}"' in section.group(0)
    with translation.override("en"):
        html = html_of(client.get("/en/"))
    assert "Adopted projects" in html and 'href="/en/projects/"' in html
