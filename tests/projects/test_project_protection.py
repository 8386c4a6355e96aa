"""Every project page and file, for every role: who gets in, who is refused, and that a
refused response reveals nothing of the project (issue 6: confidential data never reaches
someone who should not see it).

A guessed id must not reveal that something exists: refusals are 404s, or the sign-in page
for anonymous visitors (403 only where a role may not use a whole part of the site, such as a
desk member opening the business's "your projects").
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from projects import services
from projects.models import Site
from tests import factories

pytestmark = pytest.mark.integration

ROLES = [
    "business",
    "colleague",
    "other_business",
    "desk_staff",
    "desk_manager",
    "department",
    "other_department",
    "reviewer",
    "other_reviewer",
    "administrator",
    "anonymous",
]
DESK = {"desk_staff", "desk_manager"}
PARTNER = {"business", "colleague"}
SECRET = "協定書の非公開条件ZX81"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(people, settings):
    settings.ANTISPAM_MIN_FILL_SECONDS = 0
    project = factories.project(people)  # adopted, not published
    department = people["department"].department
    project.departments.set([department])
    staff = people["desk_staff"]
    services.record_agreement(
        project,
        staff,
        agreement_date=timezone.localdate(),
        document=SimpleUploadedFile("協定書.pdf", PDF),
    )
    site = services.save_site(
        staff, name="中央公民館", address="共創市中央区1-1", department=department, notes=SECRET
    )
    services.book_site(
        project,
        staff,
        site=site,
        start=timezone.localdate(),
        end=timezone.localdate() + dt.timedelta(days=30),
        conditions=SECRET,
    )
    report = services.submit_report(
        project,
        people["business"],
        kind="progress",
        body=SECRET,
        figures=[("利用者数", "120", "人")],
        files=[SimpleUploadedFile("報告.pdf", PDF)],
    )
    project.refresh_from_db()
    return {
        "project": project,
        "report": report,
        "file": report.attachments.get(),
        "site": Site.objects.get(pk=site.pk),
    }


def _urls(w):
    p, r = w["project"], w["report"]
    return [
        (reverse("project_desk:list"), DESK),
        (reverse("project_desk:detail", args=[p.pk]), DESK),
        (reverse("project_desk:sites"), DESK),
        (reverse("project_desk:site_edit", args=[w["site"].pk]), DESK),
        (reverse("projects:workspace", args=[p.pk]), PARTNER | DESK | {"department"}),
        (reverse("projects:agreement_document", args=[p.pk]), PARTNER | DESK | {"department"}),
        (reverse("projects:report", args=[r.pk]), PARTNER | DESK | {"department"}),
        (reverse("projects:report_file", args=[w["file"].pk]), PARTNER | DESK | {"department"}),
        (reverse("projects:new_report", args=[p.pk]), PARTNER),
        (reverse("projects:mine"), PARTNER | {"other_business"}),
        (reverse("project_department:bookings"), {"department", "other_department"}),
        (reverse("proposals:notice_pdf", args=[p.proposal.pk]), PARTNER | DESK | {"administrator"}),
        # Not published: not public, for anybody.
        (reverse("projects:detail", args=[p.pk]), set()),
    ]


def _login(client, people, role):
    client.logout()
    if role != "anonymous":
        client.force_login(people[role])


@pytest.mark.parametrize("role", ROLES)
def test_every_project_page_lets_in_exactly_the_roles_it_should(client, people, world, role):
    _login(client, people, role)
    for url, allowed in _urls(world):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if role in allowed:
            assert response.status_code == 200, (role, url, response.status_code)
        else:
            assert response.status_code in (302, 403, 404), (role, url, response.status_code)
            if response.status_code == 302:
                assert role == "anonymous" and "/accounts/login/" in response["Location"]
            assert SECRET.encode() not in body, (role, url)
            assert world["project"].partner_name.encode() not in body or url.endswith("/mine/"), (
                role,
                url,
            )


def test_the_department_sees_only_its_own_sites_bookings(client, people, world):
    _login(client, people, "department")
    mine = client.get(reverse("project_department:bookings")).content.decode()
    _login(client, people, "other_department")
    theirs = client.get(reverse("project_department:bookings")).content.decode()
    assert "中央公民館" in mine and "中央公民館" not in theirs


@pytest.mark.parametrize(
    "role", ["business", "department", "reviewer", "administrator", "anonymous", "desk_staff"]
)
def test_publication_is_refused_to_everyone_but_the_manager(client, people, world, role):
    project = world["project"]
    services.update_public_text(project, people["desk_staff"], title="公開名", summary="概要")
    services.approve_public_text(project, people["desk_manager"])
    _login(client, people, role)
    client.post(reverse("project_desk:publish", args=[project.pk]))
    project.refresh_from_db()
    assert not project.is_published
    _login(client, people, "desk_manager")
    client.post(reverse("project_desk:publish", args=[project.pk]))
    project.refresh_from_db()
    assert project.is_published
