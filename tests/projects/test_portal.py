"""The partner business's project pages: its projects, the workspace, the agreement document.

Every page is opened by every role of the ``people`` fixture: the business and its colleague
get in, the project's department reads only, everyone else is refused — with 404 wherever a
404 hides that the project exists.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from core.models import AuditEvent
from projects import services
from projects.models import Site
from tests import factories
from tests.factories import pdf_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def project(people):
    """A project of people["business"]'s organisation, in people["department"]'s care."""
    project = factories.project(people)
    services.update_details(
        project,
        people["desk_staff"],
        departments=[people["department"].department],
        period_start=dt.date(2026, 6, 1),
        period_end=dt.date(2027, 3, 31),
        locations="博多区",
    )
    project.refresh_from_db()
    return project


# --- my projects --------------------------------------------------------------------------


def test_my_projects_lists_the_organisations_projects_with_next_step(client, people, project):
    for role in ("business", "colleague"):
        client.force_login(people[role])
        response = client.get(reverse("projects:mine"))
        assert response.status_code == 200
        html = response.content.decode()
        assert reverse("projects:workspace", args=[project.pk]) in html
        assert str(project) in html
        assert "2026-06-01" in html and "2027-03-31" in html
        # Preparing, no agreement yet: the next step says the desk prepares the agreement.
        assert "協定" in html


def test_my_projects_shows_nothing_of_another_business(client, people, project):
    client.force_login(people["other_business"])
    response = client.get(reverse("projects:mine"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("projects:workspace", args=[project.pk]) not in html
    assert str(project) not in html


@pytest.mark.parametrize(
    "role",
    ["desk_staff", "desk_manager", "department", "other_department", "reviewer", "administrator"],
)
def test_my_projects_is_a_polite_refusal_for_other_roles(client, people, project, role):
    client.force_login(people[role])
    with translation.override("en"):
        response = client.get(reverse("projects:mine"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "This page is not for your account" in html
    assert reverse("projects:workspace", args=[project.pk]) not in html
    if role.startswith("desk"):
        assert reverse("project_desk:list") in html


def test_my_projects_needs_sign_in(client, project):
    response = client.get(reverse("projects:mine"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_my_projects_runs_constant_queries(client, people):
    client.force_login(people["business"])
    factories.project(people)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("projects:mine"))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for _ in range(3):
        project = factories.project(people)
        services.submit_report(project, people["business"], kind="progress", body="進捗")
    many = count()
    assert one == many
    assert client.get(reverse("projects:mine")).content.decode().count("/work/") == 4


# --- the workspace ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,status,may_report",
    [
        ("business", 200, True),
        ("colleague", 200, True),
        ("desk_staff", 200, False),
        ("desk_manager", 200, False),
        ("department", 200, False),
        ("other_business", 404, False),
        ("other_department", 404, False),
        ("reviewer", 404, False),
        ("administrator", 404, False),
    ],
)
def test_workspace_for_each_role(client, people, project, role, status, may_report):
    client.force_login(people[role])
    response = client.get(reverse("projects:workspace", args=[project.pk]))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert str(project) in html
        assert (reverse("projects:new_report", args=[project.pk]) in html) is may_report
        assert (reverse("project_desk:detail", args=[project.pk]) in html) is role.startswith(
            "desk"
        )


def test_workspace_needs_sign_in(client, project):
    response = client.get(reverse("projects:workspace", args=[project.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_workspace_of_a_missing_project_is_404_like_another_business(client, people, project):
    client.force_login(people["business"])
    assert client.get(reverse("projects:workspace", args=[project.pk + 999])).status_code == 404


def test_workspace_shows_agreement_sites_and_reports(client, people, project):
    staff = people["desk_staff"]
    agreed = timezone.localdate() - dt.timedelta(days=3)
    services.record_agreement(
        project,
        staff,
        agreement_date=agreed,
        document=SimpleUploadedFile("協定書.pdf", pdf_bytes()),
    )
    site = services.save_site(
        staff,
        name="博多区役所 駐車場",
        address="福岡市博多区博多駅前2-9-3",
        department=people["department"].department,
    )
    services.book_site(
        project,
        staff,
        site=site,
        start=dt.date(2026, 7, 1),
        end=dt.date(2026, 9, 30),
        conditions="平日9時から17時まで",
    )
    report = services.submit_report(
        project, people["business"], kind="progress", body="第1四半期の利用状況"
    )
    services.review_report(report, staff, accept=False, comment="利用者数の内訳を追記してください")
    client.force_login(people["business"])
    html = client.get(reverse("projects:workspace", args=[project.pk])).content.decode()
    assert agreed.strftime("%Y-%m-%d") in html and "令和" in html
    assert reverse("projects:agreement_document", args=[project.pk]) in html
    assert "協定書.pdf" in html
    assert "博多区役所 駐車場" in html and "福岡市博多区博多駅前2-9-3" in html
    assert "2026-07-01" in html and "2026-09-30" in html and "平日9時から17時まで" in html
    assert reverse("projects:report", args=[report.pk]) in html
    assert "利用者数の内訳を追記してください" in html
    assert "差し戻し" in html or "Returned" in html
    # The next step points at the returned report.
    with translation.override("en"):
        html = client.get(reverse("projects:workspace", args=[project.pk])).content.decode()
    assert "returned your progress report" in html


def test_workspace_has_accessible_tables(client, people, project):
    staff = people["desk_staff"]
    site = services.save_site(
        staff, name="中央公園", address="福岡市中央区", department=people["department"].department
    )
    services.book_site(
        project, staff, site=site, start=dt.date(2026, 7, 1), end=dt.date(2026, 7, 31)
    )
    services.submit_report(project, people["business"], kind="progress", body="進捗")
    client.force_login(people["business"])
    html = client.get(reverse("projects:workspace", args=[project.pk])).content.decode()
    assert html.count("<caption") == 2
    assert 'scope="col"' in html and 'scope="row"' in html


# --- the agreement document -------------------------------------------------------------------


@pytest.fixture
def agreed_project(people, project):
    services.record_agreement(
        project,
        people["desk_staff"],
        agreement_date=timezone.localdate(),
        document=SimpleUploadedFile("協定書_最終.pdf", pdf_bytes()),
    )
    project.refresh_from_db()
    return project


@pytest.mark.parametrize(
    "role,status",
    [
        ("business", 200),
        ("colleague", 200),
        ("desk_staff", 200),
        ("desk_manager", 200),
        ("department", 200),
        ("other_business", 404),
        ("other_department", 404),
        ("reviewer", 404),
        ("administrator", 404),
    ],
)
def test_agreement_document_for_each_role(client, people, agreed_project, role, status):
    client.force_login(people[role])
    response = client.get(reverse("projects:agreement_document", args=[agreed_project.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert "協定書_最終.pdf" in unquote(disposition)
        assert b"".join(response.streaming_content) == pdf_bytes()


def test_agreement_document_needs_sign_in(client, agreed_project):
    response = client.get(reverse("projects:agreement_document", args=[agreed_project.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_agreement_document_missing_is_404(client, people, project):
    client.force_login(people["business"])
    assert client.get(reverse("projects:agreement_document", args=[project.pk])).status_code == 404


def test_city_staff_downloading_the_agreement_is_audited(client, people, agreed_project):
    client.force_login(people["business"])
    client.get(reverse("projects:agreement_document", args=[agreed_project.pk]))
    assert not AuditEvent.objects.filter(action="download_agreement").exists()
    client.force_login(people["department"])
    client.get(reverse("projects:agreement_document", args=[agreed_project.pk]))
    event = AuditEvent.objects.get(action="download_agreement")
    assert event.actor == people["department"]
    assert event.target == f"project:{agreed_project.pk}"


def test_site_of_a_project_is_shown_to_its_department_read_only(client, people, project):
    staff = people["desk_staff"]
    site = services.save_site(
        staff,
        name="市民体育館",
        address="福岡市東区",
        department=people["other_department"].department,
    )
    services.book_site(
        project, staff, site=site, start=dt.date(2026, 8, 1), end=dt.date(2026, 8, 10)
    )
    assert Site.objects.count() == 1
    client.force_login(people["department"])
    html = client.get(reverse("projects:workspace", args=[project.pk])).content.decode()
    assert "市民体育館" in html
    assert "<form" not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_workspace_links_to_the_public_page_once_published(client, people):
    project = factories.project(people, published=True, public_title="市民が読む題名")
    client.force_login(people["business"])
    html = client.get(reverse("projects:workspace", args=[project.pk])).content.decode()
    assert reverse("projects:detail", args=[project.pk]) in html and "市民が読む題名" in html
