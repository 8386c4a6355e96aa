"""A department sees the sites it is in charge of and every booking on them — only its own."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from projects import services
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

URL = "project_department:bookings"


@pytest.fixture
def setting(people):
    """Two projects sharing a park of people["department"]; a site of the other department."""
    staff = people["desk_staff"]
    ours = people["department"].department
    theirs = people["other_department"].department
    today = timezone.localdate()
    first = factories.project(people, title="見守りIoTの実証")
    services.update_public_text(first, staff, title="見守りセンサーの実証", summary="概要")
    services.update_details(first, staff, departments=[ours])
    second = factories.project(people, title="移動販売の実証")
    services.update_public_text(second, staff, title="移動販売車の実証", summary="概要")
    park = services.save_site(
        staff, name="中央公園", address="福岡市中央区中央公園1", department=ours
    )
    hall = services.save_site(staff, name="東区体育館", address="福岡市東区1-1", department=theirs)
    past = services.book_site(
        first,
        staff,
        site=park,
        start=today - dt.timedelta(days=90),
        end=today - dt.timedelta(days=60),
        conditions="過去の利用",
    )
    later = services.book_site(
        first,
        staff,
        site=park,
        start=today + dt.timedelta(days=30),
        end=today + dt.timedelta(days=60),
        conditions="夜間は不可",
    )
    soon = services.book_site(
        second,
        staff,
        site=park,
        start=today + dt.timedelta(days=10),
        end=today + dt.timedelta(days=40),
        conditions="車両は2台まで",
        confirm_overlap=True,
    )
    elsewhere = services.book_site(
        second,
        staff,
        site=hall,
        start=today,
        end=today + dt.timedelta(days=5),
        conditions="体育館の条件",
    )
    return dict(
        first=first,
        second=second,
        park=park,
        hall=hall,
        past=past,
        later=later,
        soon=soon,
        elsewhere=elsewhere,
    )


def test_department_sees_its_sites_and_their_bookings(client, people, setting):
    client.force_login(people["department"])
    with translation.override("en"):
        response = client.get(reverse(URL))
    assert response.status_code == 200
    html = response.content.decode()
    assert "中央公園" in html and "福岡市中央区中央公園1" in html
    for text in (
        "見守りセンサーの実証",
        "夜間は不可",
        "車両は2台まで",
        "過去の利用",
        setting["first"].partner_name,
    ):
        assert text in html
    # Another department's unpublished project on this site: booked, but not named.
    assert "移動販売車の実証" not in html
    assert "A project of the desk (ask the desk for details)" in html
    # Only its own department's sites.
    assert "東区体育館" not in html and "体育館の条件" not in html
    # Upcoming first (by start), past bookings after them.
    assert html.index("車両は2台まで") < html.index("夜間は不可") < html.index("過去の利用")
    # Both overlapping bookings are flagged; the one the desk confirmed says so.
    upcoming = html.split('id="upcoming-caption"', 1)[1].split("</table>", 1)[0]
    assert upcoming.count("Overlaps") == 2
    assert "accepted by the desk" in upcoming
    past = html.split('id="past-caption"', 1)[1].split("</table>", 1)[0]
    assert "Overlaps" not in past
    # A project of the department links to its workspace; another department's does not.
    assert reverse("projects:workspace", args=[setting["first"].pk]) in html
    assert reverse("projects:workspace", args=[setting["second"].pk]) not in html


def test_the_other_department_sees_only_its_own_site(client, people, setting):
    client.force_login(people["other_department"])
    html = client.get(reverse(URL)).content.decode()
    assert "東区体育館" in html and "体育館の条件" in html
    assert "中央公園" not in html and "夜間は不可" not in html


def test_a_department_without_sites_is_told_so(client, people):
    client.force_login(people["department"])
    with translation.override("en"):
        html = client.get(reverse(URL)).content.decode()
    assert "has not registered any site" in html


@pytest.mark.parametrize(
    "role",
    [
        "business",
        "colleague",
        "other_business",
        "desk_staff",
        "desk_manager",
        "reviewer",
        "administrator",
    ],
)
def test_other_roles_are_refused(client, people, setting, role):
    client.force_login(people[role])
    assert client.get(reverse(URL)).status_code == 404


def test_needs_sign_in(client, setting):
    response = client.get(reverse(URL))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_bookings_page_has_accessible_tables(client, people, setting):
    client.force_login(people["department"])
    html = client.get(reverse(URL)).content.decode()
    assert html.count("<caption") == 3  # sites, current and upcoming, past
    assert html.count('scope="col"') >= 10 and 'scope="row"' in html


def test_bookings_page_runs_constant_queries(client, people):
    staff = people["desk_staff"]
    ours = people["department"].department
    today = timezone.localdate()
    project = factories.project(people)
    site = services.save_site(staff, name="公園1", address="住所1", department=ours)
    services.book_site(project, staff, site=site, start=today, end=today)
    client.force_login(people["department"])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse(URL))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for n in range(3):
        other = factories.project(people)
        services.update_details(other, staff, departments=[ours])
        new_site = services.save_site(staff, name=f"公園{n + 2}", address="住所", department=ours)
        for offset in (-40, 5, 20):
            services.book_site(
                other,
                staff,
                site=new_site,
                start=today + dt.timedelta(days=offset),
                end=today + dt.timedelta(days=offset + 3),
            )
        services.book_site(other, staff, site=site, start=today, end=today, confirm_overlap=True)
    assert count() == one


def test_a_project_not_involving_the_department_is_named_only_once_published(client, people):
    """The department in charge of a site sees that the desk booked it, but not the working
    title of a project it was never involved in, until that project is published."""
    import datetime as dt

    from django.utils import timezone

    from projects import services as project_services

    project = factories.project(people, title="社外秘の作業名XQ")
    staff = people["desk_staff"]
    site = project_services.save_site(
        staff, name="北公園", address="共創市北区1", department=people["department"].department
    )
    project_services.book_site(
        project,
        staff,
        site=site,
        start=timezone.localdate(),
        end=timezone.localdate() + dt.timedelta(days=3),
    )
    client.force_login(people["department"])
    html = client.get("/department/sites/").content.decode()
    assert "北公園" in html and "社外秘の作業名XQ" not in html
    project_services.update_public_text(project, staff, title="公開された名前", summary="概要")
    project_services.approve_public_text(project, people["desk_manager"])
    project_services.publish(project, people["desk_manager"])
    html = client.get("/department/sites/").content.decode()
    assert "公開された名前" in html and "社外秘の作業名XQ" not in html
