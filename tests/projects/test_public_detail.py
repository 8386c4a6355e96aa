"""The public page of one adopted project: only published projects, only public facts, never
anything from the proposal; languages; a constant number of queries; the cache."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from projects import public_views, selectors, services
from projects.models import ProcurementRoute, Status
from tests import factories
from tests.factories import field, make_project

from .helpers import html_of

pytestmark = pytest.mark.django_db

#: Planted in every text field of the proposal behind the project: none may reach the page.
SECRETS = {
    "title": "提案の題名SECRET-T1",
    "summary": "提案の要約SECRET-S2",
    "problem": "提案の課題SECRET-P3",
    "solution": "提案の解決策SECRET-X4",
}


def url(project, language: str = "ja") -> str:
    prefix = "/en" if language == "en" else ""
    return f"{prefix}/projects/{project.pk}/"


def test_anonymous_sees_every_public_fact(people, client):
    dept = people["department"].department
    prog = factories.programme(name="実証実験フルサポート", name_en="Demonstration support")
    project = make_project(
        people,
        title="AIで呼べる乗合タクシーの実証",
        summary="バスの少ない地域で試します。\n二行目。",
        programme=prog,
    )
    services.update_details(
        project,
        people["desk_staff"],
        fields=[field("mobility"), field("welfare")],
        departments=[dept],
        locations="西区今宿",
        period_start=dt.date(2026, 5, 1),
        period_end=dt.date(2027, 3, 31),
        procurement_route=ProcurementRoute.COMPETITIVE_PROPOSAL,
    )
    agreed = timezone.localdate() - dt.timedelta(days=3)
    services.record_agreement(project, people["desk_staff"], agreement_date=agreed)
    project.refresh_from_db()

    with translation.override("en"):
        html = html_of(client.get(url(project, "en")))
    for text in (
        "AIで呼べる乗合タクシーの実証",
        "バスの少ない地域で試します。",
        project.partner_name,
        project.corporate_number,
        "Demonstration support",
        "FY2026",
        "Transport and mobility",
        "Welfare, health and medical care",
        dept.name_en,
        "西区今宿",
        'datetime="2026-05-01"',
        'datetime="2027-03-31"',
        f'datetime="{agreed:%Y-%m-%d}"',
        "Competitive proposal",
        "Preparing",
        project.public_id,
        # The page shows Japan time: from 00:00 to 09:00 JST the UTC date is the day before.
        f'datetime="{timezone.localtime(project.published_at):%Y-%m-%d}',
    ):
        assert text in html, text
    assert '<h1 lang="ja">AIで呼べる乗合タクシーの実証</h1>' in html
    assert "試します。<br>二行目。" in html
    assert 'href="/en/projects/"' in html  # back to the list
    html = html_of(client.get(url(project)))
    assert "2026年度（令和8年度）" in html and "交通・モビリティ" in html


def test_nothing_from_the_proposal_is_shown(people, client):
    project = make_project(
        people, title="公開用の題名", summary="市民向けの概要", proposal_fields=dict(SECRETS)
    )
    for language in ("ja", "en"):
        with translation.override(language):
            html = html_of(client.get(url(project, language)))
        assert "公開用の題名" in html and "市民向けの概要" in html
        for secret in SECRETS.values():
            assert secret not in html, secret


def test_the_outcome_is_shown_once_completed(people, client, django_capture_on_commit_callbacks):
    project = make_project(people, title="見守りセンサー")
    staff = people["desk_staff"]
    services.record_agreement(project, staff, agreement_date=timezone.localdate())
    services.start_field(project, staff)
    with translation.override("en"):
        html = html_of(client.get(url(project, "en")))
    assert "Demonstration under way" in html and "Outcome" not in html
    with django_capture_on_commit_callbacks(execute=True):
        services.complete(
            project,
            staff,
            outcome="rolled_out",
            outcome_summary="市内全域に展開した",
            outcome_summary_en="Rolled out city-wide",
        )
    with translation.override("en"):
        html = html_of(client.get(url(project, "en")))
    assert "Rolled out" in html and "Outcome" in html and "Rolled out city-wide" in html
    html = html_of(client.get(url(project)))
    assert "市内全域に展開した" in html


@pytest.mark.parametrize("state", ["approved_not_published", "not_approved", "unpublished"])
def test_a_project_that_is_not_published_is_not_found(people, client, state):
    project = make_project(
        people,
        title="見せない事業",
        approve=state != "not_approved",
        publish=state == "unpublished",
    )
    if state == "unpublished":
        services.unpublish(project, people["desk_manager"])
    assert client.get(url(project)).status_code == 404
    assert client.get(url(project, "en")).status_code == 404
    assert "見せない事業" not in html_of(client.get("/projects/"))
    # Signed in as the desk changes nothing: the public page is the public page.
    client.force_login(people["desk_manager"])
    assert client.get(url(project)).status_code == 404


def test_an_unknown_project_is_not_found(client, db):
    assert client.get("/projects/999999/").status_code == 404


def test_english_title_and_summary_when_given_japanese_otherwise(people, client):
    both = make_project(
        people,
        title="乗合タクシーの実証",
        summary="日本語の概要",
        title_en="Shared taxi trial",
        summary_en="English summary",
    )
    ja_only = make_project(people, title="見守りセンサー", summary="日本語だけの概要")
    with translation.override("en"):
        html = html_of(client.get(url(both, "en")))
        assert "<h1>Shared taxi trial</h1>" in html and "English summary" in html
        assert "乗合タクシーの実証" not in html
        html = html_of(client.get(url(ja_only, "en")))
        assert '<h1 lang="ja">見守りセンサー</h1>' in html
        assert re.search(r'<div class="public-summary" lang="ja"><p>日本語だけの概要</p>', html)
    html = html_of(client.get(url(both)))
    assert "<h1>乗合タクシーの実証</h1>" in html and "English summary" not in html


def test_a_constant_number_of_queries_whatever_the_number_of_projects(people, client):
    depts = [people["department"].department, people["other_department"].department]
    target = make_project(people, fields=[field("mobility")], departments=depts[:1])
    cache.clear()
    with CaptureQueriesContext(connection) as one:
        response = client.get(url(target))
    assert response["X-Public-Cache"] == "miss"
    prog = factories.programme()
    for n in range(29):
        make_project(
            people,
            title=f"事業{n}",
            programme=prog,
            departments=depts,
            fields=[field("welfare"), field("digital"), field("mobility")],
        )
    services.update_details(
        target,
        people["desk_staff"],
        departments=depts,
        fields=[field("welfare"), field("digital"), field("mobility")],
    )
    cache.clear()
    with CaptureQueriesContext(connection) as thirty:
        response = client.get(url(target))
    assert response["X-Public-Cache"] == "miss"
    assert "行政DX・データ活用" in html_of(response)
    assert len(one.captured_queries) == len(thirty.captured_queries)


def test_cache_hit_and_refresh_after_a_change(people, client, django_capture_on_commit_callbacks):
    project = make_project(people, locations="東区")
    first = client.get(url(project))
    assert first["X-Public-Cache"] == "miss"
    with CaptureQueriesContext(connection) as ctx:
        second = client.get(url(project))
    assert second["X-Public-Cache"] == "hit" and second.content == first.content
    assert len(ctx.captured_queries) == 1  # the database cache's one read (get_many)

    with django_capture_on_commit_callbacks(execute=True):
        services.update_details(project, people["desk_staff"], locations="早良区百道浜")
    response = client.get(url(project))
    assert response["X-Public-Cache"] == "miss" and "早良区百道浜" in html_of(response)

    with django_capture_on_commit_callbacks(execute=True):
        services.unpublish(project, people["desk_manager"])
    assert client.get(url(project)).status_code == 404


def test_detail_context_for_the_static_export(people):
    project = make_project(people, title="静的サイトの事業", fields=[field("mobility")])
    request = RequestFactory().get(url(project))
    public = selectors.public_project(project.pk)
    context = public_views.detail_context(request, public, static_export=True)
    assert context["static_export"] is True and context["project"] == public
    html = render_to_string("projects/public/detail.html", context, request=request)
    assert "<h1>静的サイトの事業</h1>" in html and "交通・モビリティ" in html
    assert re.search(r'href="/projects/"', html)
    assert project.status == Status.PREPARING
