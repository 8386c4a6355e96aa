"""Public statistics: exact figures for a known data set, charts with tables, no names,
a constant number of queries, the cache."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from core.models import Role
from projects import public_views, services, stats
from projects.models import Field, Project
from proposals.models import Proposal
from tests import factories
from tests.factories import field, make_project

from .helpers import html_of

pytestmark = pytest.mark.django_db

STATS = "/projects/statistics/"
STATS_EN = "/en/projects/statistics/"


def _in_year(year: int, *proposals) -> None:
    """Received in fiscal ``year`` (the lifecycle stamps the current one at submission)."""
    ids = [p.pk for p in proposals]
    Proposal.objects.filter(pk__in=ids).update(fiscal_year=year)
    Project.objects.filter(proposal_id__in=ids).update(fiscal_year=year)


def _through(proposal, actions, people, business):
    actors = {"submit": business, "withdraw": business, "decline": people["desk_manager"]}
    for action in actions:
        factories.act(proposal, action, actors.get(action, people["desk_staff"]))
    return proposal


@pytest.fixture
def known(people):
    """Fiscal 2025: two adopted (one from a startup; one published, in the field), one
    declined. Fiscal 2026: one adopted from a startup (published), one declined, one not
    accepted, one withdrawn, one still open. Taken through the real lifecycle."""
    startup = factories.user(
        Role.BUSINESS,
        organization=factories.organization(name="スタートアップ合同会社ABC", is_startup=True),
    )
    business = people["business"]
    staff, manager = people["desk_staff"], people["desk_manager"]

    def adopt(member, title):
        return factories.adopted_proposal(member, staff, manager, title=title)

    def decided(member, actions, title="不採択の提案XYZ"):
        return _through(factories.draft(member, title=title), actions, people, member)

    a1, a2 = adopt(business, "採択2025A"), adopt(startup, "採択2025B")
    d1 = decided(business, ["submit", "start_dialogue", "start_coordination", "decline"])
    a3 = adopt(startup, "採択2026C")
    d2 = decided(startup, ["submit", "start_dialogue", "start_coordination", "decline"])
    n1 = decided(business, ["submit", "not_accept"])
    w1 = decided(business, ["submit", "withdraw"])
    o1 = decided(business, ["submit"])
    _in_year(2025, a1, a2, d1)
    _in_year(2026, a3, d2, n1, w1, o1)

    def publish(proposal, title, fields, publish=True):
        project = Project.objects.get(proposal=proposal)
        services.update_details(project, staff, fields=fields)
        services.update_public_text(project, staff, title=title, summary="市民向けの概要")
        services.approve_public_text(project, manager)
        if publish:
            services.publish(project, manager)
        return project

    p1 = publish(a1, "公開事業その一", [field("mobility"), field("welfare")])
    services.record_agreement(p1, staff, agreement_date=timezone.localdate())
    services.start_field(p1, staff)
    publish(a2, "未公開の事業", [field("disaster")], publish=False)
    publish(a3, "公開事業その二", [field("mobility")])
    return {"startup": startup}


def test_exact_figures(known):
    data = stats.public_statistics()
    assert [
        (y.fiscal_year, y.projects, y.adopted, y.declined, y.adopted_startups) for y in data.years
    ] == [(2026, 1, 1, 1, 1), (2025, 1, 2, 1, 1)]
    assert [(y.adoption_rate_text, y.startup_share_text) for y in data.years] == [
        ("50.0%", "100.0%"),
        ("66.7%", "50.0%"),
    ]
    assert data.published == 2 and data.declined == 2
    assert (data.adoption_rate.numerator, data.adoption_rate.denominator) == (3, 5)
    assert (data.startup_share.numerator, data.startup_share.denominator) == (2, 3)
    fields = {row.key: row.count for row in data.fields}
    assert fields["mobility"] == 2 and fields["welfare"] == 1
    assert fields["disaster"] == 0  # the unpublished project is not counted
    assert sum(fields.values()) == 3
    # Every field, in the desk's order (a GROUP BY query ignores the model's ordering).
    assert [row.key for row in data.fields] == list(
        Field.objects.order_by("sort_order", "pk").values_list("code", flat=True)
    )
    assert {row.key: row.count for row in data.statuses} == {
        "preparing": 1,
        "demonstrating": 1,
        "rolled_out": 0,
        "ended": 0,
    }


def _row(html: str, label: str) -> list[str]:
    found = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', html, re.S)
    assert found, label
    return re.findall(r'<td class="num">([^<]*)</td>', found.group(1))


def test_the_page_shows_the_figures_in_tables_and_charts(known, client):
    html = html_of(client.get(STATS))
    assert _row(html, "2025年度（令和7年度）") == ["1", "2", "1", "66.7%", "1 (50.0%)"]
    assert _row(html, "2026年度（令和8年度）") == ["1", "1", "1", "50.0%", "1 (100.0%)"]
    with translation.override("en"):
        html = html_of(client.get(STATS_EN))
    assert _row(html, "FY2025") == ["1", "2", "1", "66.7%", "1 (50.0%)"]
    assert _row(html, "Total") == ["2", "3", "2", "60.0%", "2 (66.7%)"]
    assert re.search(
        r'<th scope="row"><a href="/en/projects/\?field=mobility">Transport and '
        r'mobility</a></th><td class="num">2</td>',
        html,
    )
    assert re.search(
        r'<th scope="row"><a href="/en/projects/\?status=demonstrating">'
        r'Demonstration under way</a></th><td class="num">1</td>',
        html,
    )
    # Every chart is an image with a name and a text alternative giving every value.
    for chart in ("projects", "adoption", "startups", "fields", "statuses"):
        assert re.search(rf'<svg [^>]*role="img"[^>]*aria-labelledby="chart-{chart}-title"', html)
    desc = re.search(r'<desc id="chart-adoption-desc">([^<]*)</desc>', html).group(1)
    assert desc == "FY2025: 66.7% (2 of 3); FY2026: 50.0% (1 of 2)."
    assert len(re.findall(r"<caption", html)) == 3


def test_no_names_or_titles_on_the_page(known, client):
    html = html_of(client.get(STATS))
    for text in (
        "スタートアップ合同会社ABC",
        "公開事業その一",
        "公開事業その二",
        "未公開の事業",
        "不採択の提案XYZ",
        "採択2025A",
        known["startup"].organization.name,
    ):
        assert text not in html, text


def test_no_data_yet(client, db):
    html = html_of(client.get(STATS))
    assert "<table" in html  # the field and status tables, all zero
    assert stats.public_statistics().years == []
    assert "—" in html


def test_a_constant_number_of_queries_for_one_or_thirty_projects(people, client):
    make_project(people, fields=[field("mobility")])
    cache.clear()
    with CaptureQueriesContext(connection) as one:
        assert client.get(STATS)["X-Public-Cache"] == "miss"
    prog = factories.programme()
    for n in range(29):
        make_project(
            people,
            title=f"事業{n}",
            programme=prog,
            fiscal_year=2020 + n % 7,
            fields=[field("welfare"), field("digital")],
        )
    cache.clear()
    with CaptureQueriesContext(connection) as thirty:
        response = client.get(STATS)
    assert response["X-Public-Cache"] == "miss"
    assert _row(html_of(response), "2026年度（令和8年度）")[0] == "5"
    assert len(one.captured_queries) == len(thirty.captured_queries)


def test_cache_hit_and_refresh_after_publishing(people, client, django_capture_on_commit_callbacks):
    make_project(people)
    waiting = make_project(people, publish=False)
    first = client.get(STATS)
    assert first["X-Public-Cache"] == "miss"
    with CaptureQueriesContext(connection) as ctx:
        second = client.get(STATS)
    assert second["X-Public-Cache"] == "hit" and second.content == first.content
    assert len(ctx.captured_queries) == 1  # the database cache's one read (get_many)
    assert _row(html_of(second), "2026年度（令和8年度）")[0] == "1"

    with django_capture_on_commit_callbacks(execute=True):
        services.publish(waiting, people["desk_manager"])
    response = client.get(STATS)
    assert response["X-Public-Cache"] == "miss"
    assert _row(html_of(response), "2026年度（令和8年度）")[0] == "2"


def test_statistics_context_for_the_static_export(people):
    make_project(people, fields=[field("mobility")])
    request = RequestFactory().get(STATS)
    context = public_views.statistics_context(request, static_export=True)
    assert context["static_export"] is True and context["data"].published == 1
    html = render_to_string("projects/public/statistics.html", context, request=request)
    assert "?field=" not in html and "?status=" not in html  # a static site cannot filter
    assert _row(html, "2026年度（令和8年度）")[0] == "1"
