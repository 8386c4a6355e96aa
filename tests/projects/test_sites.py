"""Sites the city provides and their bookings: the desk's site pages, booking from a project's
page with the overlap warning, cancelling, and the admin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core.models import AuditEvent
from projects import services
from projects.models import Site, SiteBooking
from tests import factories

from .helpers import DESK, OUTSIDERS, detail_url, page_of, snapshot

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def make_site(people, name="中央公園", **kw) -> Site:
    department = kw.pop("department", None) or people["department"].department
    return services.save_site(
        people["desk_staff"], name=name, address="福岡市中央区1-1", department=department, **kw
    )


def booking_data(site, start="2026-06-01", end="2026-06-30", **extra) -> dict:
    data = {
        "booking-site": site.pk,
        "booking-start": start,
        "booking-end": end,
        "booking-conditions": "土日のみ使用可",
    }
    data.update({f"booking-{k}": v for k, v in extra.items()})
    return data


# --- the site pages ------------------------------------------------------------------------------


def _site_endpoint(name, people):
    if name == "sites":
        make_site(people)
        return "get", reverse("project_desk:sites"), {}
    if name == "site_create_form":
        return "get", reverse("project_desk:site_create"), {}
    if name == "site_edit_form":
        return "get", reverse("project_desk:site_edit", args=[make_site(people).pk]), {}
    if name == "site_create":
        return (
            "post",
            reverse("project_desk:site_create"),
            {
                "name": "市民体育館",
                "address": "東区2-2",
                "department": people["department"].department.pk,
                "is_active": "on",
            },
        )
    if name == "site_edit":
        site = make_site(people)
        return (
            "post",
            reverse("project_desk:site_edit", args=[site.pk]),
            {
                "name": "中央公園（北側）",
                "address": "中央区1-1",
                "department": people["other_department"].department.pk,
            },
        )
    project = factories.project(people)
    site = make_site(people)
    if name == "book_site":
        return "post", reverse("project_desk:book_site", args=[project.pk]), booking_data(site)
    if name == "cancel_booking":
        booking = services.book_site(
            project,
            people["desk_staff"],
            site=site,
            start=dt.date(2026, 6, 1),
            end=dt.date(2026, 6, 30),
        )
        return "post", reverse("project_desk:cancel_booking", args=[booking.pk]), {}
    raise AssertionError(name)


SITE_ENDPOINTS = [
    "sites",
    "site_create_form",
    "site_edit_form",
    "site_create",
    "site_edit",
    "book_site",
    "cancel_booking",
]


def _call(client, method, url, data):
    return client.get(url) if method == "get" else client.post(url, data)


@pytest.mark.parametrize("endpoint", SITE_ENDPOINTS)
def test_outsiders_get_404_and_change_nothing(client, people, endpoint):
    method, url, data = _site_endpoint(endpoint, people)
    before = snapshot()
    for role in OUTSIDERS:
        client.force_login(people[role])
        assert _call(client, method, url, data).status_code == 404, role
    client.logout()
    response = _call(client, method, url, data)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert snapshot() == before


@pytest.mark.parametrize("endpoint", SITE_ENDPOINTS)
@pytest.mark.parametrize("role", DESK)
def test_the_desk_may(client, people, endpoint, role):
    method, url, data = _site_endpoint(endpoint, people)
    before = snapshot()
    client.force_login(people[role])
    response = _call(client, method, url, data)
    if method == "get":
        assert response.status_code == 200
        assert snapshot() == before
    else:
        assert response.status_code == 302, page_of(response)[:2000]
        assert snapshot() != before


def test_creating_and_editing_a_site(client, people):
    client.force_login(people["desk_staff"])
    response = client.post(
        reverse("project_desk:site_create"),
        {
            "name": "市民体育館",
            "address": "東区2-2",
            "notes": "鍵は管理事務所",
            "department": people["department"].department.pk,
            "is_active": "on",
        },
    )
    site = Site.objects.get(name="市民体育館")
    assert response["Location"].endswith(f"#site-{site.pk}")
    assert site.is_active and site.notes == "鍵は管理事務所"
    response = client.post(
        reverse("project_desk:site_edit", args=[site.pk]),
        {
            "name": "市民体育館",
            "address": "東区2-3",
            "department": people["other_department"].department.pk,
        },
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.address == "東区2-3" and not site.is_active
    assert site.department == people["other_department"].department
    page = page_of(client.get(reverse("project_desk:site_edit", args=[site.pk])))
    assert 'value="東区2-3"' in page


def test_site_without_an_address_keeps_what_was_typed(client, people):
    client.force_login(people["desk_staff"])
    before = snapshot()
    with translation.override("en"):
        response = client.post(
            "/en/desk/projects/sites/new/",
            {
                "name": "港の倉庫",
                "address": " ",
                "notes": "大事なメモ",
                "department": people["department"].department.pk,
            },
        )
    assert response.status_code == 400
    body = page_of(response)
    assert "Give the facility&#x27;s address." in body
    assert 'value="港の倉庫"' in body and "大事なメモ" in body
    assert 'aria-describedby="id_address-error"' in body
    assert snapshot() == before


def test_site_with_a_department_that_does_not_exist(client, people):
    client.force_login(people["desk_staff"])
    before = snapshot()
    with translation.override("en"):
        response = client.post(
            "/en/desk/projects/sites/new/",
            {"name": "港の倉庫", "address": "港1", "department": "99999"},
        )
    assert response.status_code == 400
    assert "Choose one of the departments." in page_of(response)
    assert snapshot() == before


def test_sites_list_shows_each_sites_bookings(client, people):
    project = factories.project(people)
    site = make_site(people, name="天神広場")
    make_site(people, name="使われていない広場")
    services.book_site(
        project,
        people["desk_staff"],
        site=site,
        start=dt.date(2026, 7, 1),
        end=dt.date(2026, 7, 31),
    )
    client.force_login(people["desk_staff"])
    body = page_of(client.get(reverse("project_desk:sites")))
    assert "天神広場" in body and "使われていない広場" in body
    assert f"{detail_url(project)}#field-provision" in body
    assert "2026-07-01" in body and "2026-07-31" in body
    assert people["department"].department.name in body


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_sites_list_query_count_is_constant(client, people):
    project = factories.project(people)
    first = make_site(people, name="広場0")
    services.book_site(
        project,
        people["desk_staff"],
        site=first,
        start=dt.date(2026, 4, 1),
        end=dt.date(2026, 4, 2),
    )
    client.force_login(people["desk_staff"])
    url = reverse("project_desk:sites")
    one = _queries(client, url)
    other = factories.project(people)
    for index in range(1, 20):
        site = make_site(
            people, name=f"広場{index}", department=factories.department() if index % 2 else None
        )
        for month in (5, 6):
            services.book_site(
                other if index % 2 else project,
                people["desk_staff"],
                site=site,
                start=dt.date(2026, month, 1),
                end=dt.date(2026, month, 2),
            )
    assert _queries(client, url) == one


# --- booking from the project's page ----------------------------------------------------------


def test_booking_a_site(client, people):
    project = factories.project(people)
    site = make_site(people)
    client.force_login(people["desk_staff"])
    response = client.post(reverse("project_desk:book_site", args=[project.pk]), booking_data(site))
    assert response.status_code == 302 and response["Location"].endswith("#field-provision")
    booking = SiteBooking.objects.get(project=project)
    assert (booking.site, booking.start, booking.end) == (
        site,
        dt.date(2026, 6, 1),
        dt.date(2026, 6, 30),
    )
    assert booking.conditions == "土日のみ使用可" and not booking.overlap_confirmed
    body = page_of(client.get(detail_url(project)))
    assert "土日のみ使用可" in body and people["department"].department.name in body
    assert reverse("project_desk:cancel_booking", args=[booking.pk]) in body


def test_double_booking_warns_and_keeps_every_typed_value(client, people):
    site = make_site(people, name="中央公園")
    first = factories.project(people, title="先に予約した案件")
    services.book_site(
        first, people["desk_staff"], site=site, start=dt.date(2026, 6, 10), end=dt.date(2026, 6, 20)
    )
    second = factories.project(people)
    before = snapshot()
    client.force_login(people["desk_staff"])
    data = booking_data(site, start="2026-06-15", end="2026-07-15", conditions="夜間のみ")
    with translation.override("en"):
        response = client.post(f"/en/desk/projects/{second.pk}/bookings/", data)
        first_url = detail_url(first)
    assert response.status_code == 400
    body = page_of(response)
    assert 'id="overlap-warning"' in body
    assert "already provided to another project" in body
    assert "先に予約した案件" in body and "2026-06-10" in body and "2026-06-20" in body
    assert first_url.startswith("/en/") and f'href="{first_url}"' in body
    assert 'name="booking-confirm_overlap"' in body
    assert "I have checked with the department; book anyway" in body
    assert 'value="2026-06-15"' in body and 'value="2026-07-15"' in body
    assert "夜間のみ" in body
    assert f'<option value="{site.pk}" selected>' in body
    assert snapshot() == before

    # Confirmed: booked, and the booking says the overlap was accepted.
    data["booking-confirm_overlap"] = "on"
    response = client.post(reverse("project_desk:book_site", args=[second.pk]), data)
    assert response.status_code == 302
    booking = SiteBooking.objects.get(project=second)
    assert booking.overlap_confirmed and booking.conditions == "夜間のみ"
    assert SiteBooking.objects.get(project=first).overlap_confirmed is False


def test_the_confirmation_box_is_not_offered_without_an_overlap(client, people):
    project = factories.project(people)
    make_site(people)
    client.force_login(people["desk_staff"])
    body = page_of(client.get(detail_url(project)))
    assert 'name="booking-site"' in body and 'name="booking-confirm_overlap"' not in body


def test_booking_that_ends_before_it_starts(client, people):
    project = factories.project(people)
    site = make_site(people)
    before = snapshot()
    client.force_login(people["desk_staff"])
    with translation.override("en"):
        response = client.post(
            f"/en/desk/projects/{project.pk}/bookings/",
            booking_data(site, start="2026-06-30", end="2026-06-01"),
        )
    assert response.status_code == 400
    body = page_of(response)
    assert "The period cannot end before it starts." in body
    assert 'id="id_booking-end-error"' in body
    assert 'value="2026-06-30"' in body and 'value="2026-06-01"' in body
    assert snapshot() == before


def test_booking_an_unavailable_site_is_refused(client, people):
    project = factories.project(people)
    site = make_site(people, is_active=False)
    before = snapshot()
    client.force_login(people["desk_staff"])
    with translation.override("en"):
        response = client.post(f"/en/desk/projects/{project.pk}/bookings/", booking_data(site))
    assert response.status_code == 400
    assert "Choose one of the available sites." in page_of(response)
    assert snapshot() == before


def test_cancelling_a_booking(client, people):
    project = factories.project(people)
    site = make_site(people)
    booking = services.book_site(
        project, people["desk_staff"], site=site, start=dt.date(2026, 6, 1), end=dt.date(2026, 6, 2)
    )
    client.force_login(people["desk_manager"])
    response = client.post(reverse("project_desk:cancel_booking", args=[booking.pk]))
    assert response.status_code == 302
    assert response["Location"].endswith(f"{detail_url(project)}#field-provision")
    assert not SiteBooking.objects.filter(pk=booking.pk).exists()
    assert AuditEvent.objects.filter(action="project.cancel_booking").exists()
    assert client.post(reverse("project_desk:cancel_booking", args=[booking.pk])).status_code == 404


def test_detail_page_query_count_does_not_grow_with_bookings(client, people):
    project = factories.project(people)
    site = make_site(people)
    services.book_site(
        project, people["desk_staff"], site=site, start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 2)
    )
    client.force_login(people["desk_staff"])
    url = detail_url(project)
    one = _queries(client, url)
    for index in range(12):
        other = make_site(people, name=f"施設{index}", department=factories.department())
        services.book_site(
            project,
            people["desk_staff"],
            site=other,
            start=dt.date(2026, 5, 1),
            end=dt.date(2026, 5, 31),
        )
    assert SiteBooking.objects.filter(project=project).count() == 13
    assert _queries(client, url) == one


# --- the admin ---------------------------------------------------------------------------------


def test_admin_sites_go_through_the_service_and_projects_are_read_only(client, people):
    project = factories.project(people)
    site = make_site(people)
    admin = people["administrator"]
    client.force_login(admin)
    assert client.get(reverse("admin:projects_field_changelist")).status_code == 200
    assert client.get(reverse("admin:projects_site_changelist")).status_code == 200
    assert (
        client.get(reverse("admin:projects_project_change", args=[project.pk])).status_code == 200
    )
    for model in ("project", "sitebooking", "report"):
        assert client.get(reverse(f"admin:projects_{model}_add")).status_code == 403, model
    before = snapshot()
    client.post(
        reverse("admin:projects_project_change", args=[project.pk]),
        {"partner_name": "書き換え", "is_published": "on"},
    )
    assert snapshot() == before
    from django.contrib import admin as django_admin

    from projects.models import Field

    site_admin = django_admin.site._registry[Site]
    field_admin = django_admin.site._registry[Field]

    class Request:
        user = admin

    # Sites obey core.rules.can_manage_sites (the desk); fields are reference data.
    from core import rules

    assert site_admin.has_change_permission(Request, site) == rules.can_manage_sites(admin)
    assert field_admin.has_change_permission(Request, None)
    assert not site_admin.has_delete_permission(Request, site)


def test_admin_save_model_uses_the_service(people):
    from django.contrib import admin as django_admin

    site_admin = django_admin.site._registry[Site]
    site = make_site(people)

    class Form:
        cleaned_data = {
            "name": " 新しい名前 ",
            "address": " 新しい住所 ",
            "department": people["other_department"].department,
            "notes": "",
            "is_active": False,
        }

    class Request:
        user = people["desk_staff"]

    site_admin.save_model(Request, site, Form, True)
    site.refresh_from_db()
    # The service strips the text: proof it went through save_site, not obj.save().
    assert (site.name, site.address, site.is_active) == ("新しい名前", "新しい住所", False)


def test_the_same_booking_sent_twice_is_made_once(people):
    import datetime as dt

    from django.utils import timezone

    from projects import services as project_services
    from projects.models import SiteBooking

    project = factories.project(people)
    staff = people["desk_staff"]
    site = project_services.save_site(
        staff, name="南図書館", address="共創市南区2", department=people["department"].department
    )
    start = timezone.localdate()
    first = project_services.book_site(
        project, staff, site=site, start=start, end=start + dt.timedelta(days=5)
    )
    again = project_services.book_site(
        project, staff, site=site, start=start, end=start + dt.timedelta(days=5)
    )
    assert again.pk == first.pk and SiteBooking.objects.count() == 1
