"""The desk's project pages: the list, one project's page and every section that posts from it.

Who may: desk staff and the desk manager (the manager alone approves and publishes). Everyone
else signed in gets 404, as on the rest of the back office; anonymous visitors the sign-in
page. Every refused or bad request is checked to leave the database as it was.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from core.models import AuditEvent
from projects import services
from projects.models import Field, Project, Status
from tests import factories
from tests.factories import EXE_PE, in_field, pdf_bytes, with_agreement, with_draft

from .helpers import DESK, OUTSIDERS, detail_url, page_of, snapshot

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

MANAGER_ONLY = ("approve", "publish", "unpublish")


def today() -> dt.date:
    return timezone.localdate()


# --- every page and every POST, for every role ------------------------------------------------


def _endpoint(name: str, people):
    """(method, url, data, files) for one desk endpoint, set up so the desk could act."""
    if name == "list":
        factories.project(people)
        return "get", reverse("project_desk:list"), {}
    if name == "detail":
        return "get", detail_url(factories.project(people)), {}
    if name == "public_text":
        project = factories.project(people)
        return (
            "post",
            reverse("project_desk:public_text", args=[project.pk]),
            {"text-title": "新しい題名", "text-summary": "新しい概要"},
        )
    if name in ("approve", "publish"):
        project = with_draft(people)
        if name == "publish":
            services.approve_public_text(project, people["desk_manager"])
        return "post", reverse(f"project_desk:{name}", args=[project.pk]), {}
    if name == "unpublish":
        project = factories.project(people, published=True)
        return "post", reverse("project_desk:unpublish", args=[project.pk]), {}
    if name == "details":
        project = factories.project(people)
        return (
            "post",
            reverse("project_desk:details", args=[project.pk]),
            {
                "details-partner_name": "新しい名前",
                "details-locations": "中央区",
                "details-period_start": "2026-05-01",
                "details-period_end": "2026-09-30",
                "details-procurement_route": "open_bid",
                "details-fields": [Field.objects.first().pk],
            },
        )
    if name == "agreement":
        project = factories.project(people)
        return (
            "post",
            reverse("project_desk:agreement", args=[project.pk]),
            {
                "agreement-agreement_date": today().isoformat(),
                "agreement-document": SimpleUploadedFile("協定書.pdf", pdf_bytes()),
            },
        )
    if name == "start_field":
        project = with_agreement(people)
        return (
            "post",
            reverse("project_desk:start_field", args=[project.pk]),
            {"start-confirm": "on"},
        )
    if name == "complete":
        project = in_field(people)
        return (
            "post",
            reverse("project_desk:complete", args=[project.pk]),
            {"complete-outcome": "rolled_out", "complete-outcome_summary": "全市に展開"},
        )
    raise AssertionError(name)


ENDPOINTS = [
    "list",
    "detail",
    "public_text",
    "approve",
    "publish",
    "unpublish",
    "details",
    "agreement",
    "start_field",
    "complete",
]


def _call(client, method, url, data):
    if method == "get":
        return client.get(url)
    return client.post(url, data)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_outsiders_get_404_and_change_nothing(client, people, endpoint):
    method, url, data = _endpoint(endpoint, people)
    before = snapshot()
    for role in OUTSIDERS:
        client.force_login(people[role])
        # Files are read once per request: give each request its own copy.
        fresh = {
            k: (SimpleUploadedFile(v.name, pdf_bytes()) if hasattr(v, "read") else v)
            for k, v in data.items()
        }
        assert _call(client, method, url, fresh).status_code == 404, role
    client.logout()
    response = _call(client, method, url, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert snapshot() == before


@pytest.mark.parametrize("endpoint", MANAGER_ONLY)
def test_only_the_manager_approves_and_publishes(client, people, endpoint):
    method, url, data = _endpoint(endpoint, people)
    before = snapshot()
    client.force_login(people["desk_staff"])
    with translation.override("en"):
        response = client.post(f"/en{url}", data)
    assert response.status_code == 403
    assert "You are not permitted to do this." in page_of(response)
    assert snapshot() == before
    client.force_login(people["desk_manager"])
    assert client.post(url, data).status_code == 302
    assert snapshot() != before


# Staff on the manager's buttons: test_only_the_manager_approves_and_publishes.
@pytest.mark.parametrize(
    "endpoint,role",
    [
        (endpoint, role)
        for endpoint in ENDPOINTS
        for role in DESK
        if not (role == "desk_staff" and endpoint in MANAGER_ONLY)
    ],
)
def test_the_desk_may_open_and_use_every_section(client, people, endpoint, role):
    method, url, data = _endpoint(endpoint, people)
    before = snapshot()
    client.force_login(people[role])
    response = _call(client, method, url, data)
    if method == "get":
        assert response.status_code == 200
        assert before == snapshot()
    else:
        assert response.status_code == 302, page_of(response)[:3000]
        assert "#" in response["Location"]
        assert snapshot() != before


def test_post_only_addresses_refuse_get(client, people):
    project = factories.project(people)
    client.force_login(people["desk_manager"])
    for name in (
        "public_text",
        "approve",
        "publish",
        "unpublish",
        "details",
        "agreement",
        "start_field",
        "complete",
        "book_site",
    ):
        assert client.get(reverse(f"project_desk:{name}", args=[project.pk])).status_code == 405


# --- the list ----------------------------------------------------------------------------------


def test_list_shows_the_columns_and_links(client, people):
    project = with_draft(people)
    published = factories.project(people, published=True, public_title="公開済みの題名")
    client.force_login(people["desk_staff"])
    body = page_of(client.get(reverse("project_desk:list")))
    assert reverse("proposals:detail", args=[project.proposal_id]) in body
    assert reverse("project_desk:detail", args=[published.pk]) in body
    assert project.proposal.receipt_number in body
    assert reverse("project_desk:detail", args=[project.pk]) in body
    assert "市民向けの題名" in body  # the draft title, marked as a draft until approved
    assert "公開済みの題名" in body
    assert project.partner_name in body
    assert str(Status.PREPARING.label) in body


def test_list_filters(client, people):
    waiting = with_draft(people)
    published = factories.project(people, published=True)
    unwritten = factories.project(people)  # no summary yet: nothing for the manager to approve
    client.force_login(people["desk_staff"])
    url = reverse("project_desk:list")

    def shown(params) -> set:
        body = page_of(client.get(url, params))
        return {p for p in (waiting, published, unwritten) if f'href="{detail_url(p)}"' in body}

    assert shown({}) == {waiting, published, unwritten}
    assert shown({"published": "yes"}) == {published}
    assert shown({"published": "no"}) == {waiting, unwritten}
    assert shown({"waiting": "yes"}) == {waiting}
    assert shown({"waiting": "no"}) == {published, unwritten}
    # Changing the draft after approval makes it wait again.
    services.update_public_text(published, people["desk_staff"], title="変更後", summary="変更後")
    assert shown({"waiting": "yes"}) == {waiting, published}
    assert shown({"fiscal_year": str(waiting.fiscal_year)}) == {waiting, published, unwritten}
    assert shown({"fiscal_year": str(waiting.fiscal_year - 3)}) == set()

    in_field_project = in_field(people)
    body = page_of(client.get(url, {"status": "demonstrating"}))
    assert f'href="{detail_url(in_field_project)}"' in body
    assert f'href="{detail_url(waiting)}"' not in body


def test_list_filter_value_that_does_not_exist_is_a_message(client, people):
    factories.project(people)
    client.force_login(people["desk_staff"])
    with translation.override("en"):
        response = client.get("/en/desk/projects/", {"status": "nonsense", "fiscal_year": "1999"})
    assert response.status_code == 200
    body = page_of(response)
    assert "Select a valid choice" in body and "Correct the filter" in body
    assert 'aria-invalid="true"' in body


def test_list_shows_reports_waiting_for_review(client, people):
    project = in_field(people)
    services.submit_report(project, people["business"], kind="progress", body="途中経過")
    client.force_login(people["desk_staff"])
    with translation.override("en"):
        body = page_of(client.get("/en/desk/projects/"))
    assert "1 report to review" in body


def _list_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_is_constant(client, people):
    first = in_field(people)
    services.submit_report(first, people["business"], kind="progress", body="途中経過")
    client.force_login(people["desk_staff"])
    url = reverse("project_desk:list")
    one = _list_queries(client, url)
    for index in range(24):
        project = (
            in_field(people)
            if index % 3 == 0
            else factories.project(people, published=index % 2 == 0)
        )
        if index % 4 == 0:
            services.submit_report(project, people["business"], kind="progress", body="経過")
    assert Project.objects.count() == 25
    many = _list_queries(client, url)
    assert one == many
    body = page_of(client.get(url))
    assert body.count('href="/desk/projects/') >= 25


# --- (a) public text, (b) approval, (c) publication ---------------------------------------------


def test_public_text_draft_waits_for_the_manager(client, people):
    project = factories.project(people, published=True, public_title="いま公開中の題名")
    client.force_login(people["desk_staff"])
    response = client.post(
        reverse("project_desk:public_text", args=[project.pk]),
        {
            "text-title": "書き直した題名",
            "text-summary": "書き直した概要",
            "text-title_en": "Rewritten",
            "text-summary_en": "Rewritten summary",
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title_draft == "書き直した題名" and project.public_title == "いま公開中の題名"
    body = page_of(client.get(detail_url(project)))
    assert 'id="approval-marker"' in body
    assert "いま公開中の題名" in body  # the preview of what is public now
    assert "書き直した題名" in body  # the draft in the form
    # Staff see who must approve, and no approve button.
    assert people["desk_manager"].full_name in body
    assert reverse("project_desk:approve", args=[project.pk]) not in body
    client.force_login(people["desk_manager"])
    body = page_of(client.get(detail_url(project)))
    assert reverse("project_desk:approve", args=[project.pk]) in body
    assert client.post(reverse("project_desk:approve", args=[project.pk])).status_code == 302
    project.refresh_from_db()
    assert (
        project.public_title == "書き直した題名" and project.approved_by == people["desk_manager"]
    )
    assert 'id="approval-marker"' not in page_of(client.get(detail_url(project)))


def test_public_text_without_a_summary_keeps_the_typed_title(client, people):
    project = factories.project(people)
    before = snapshot()
    client.force_login(people["desk_staff"])
    with translation.override("en"):
        response = client.post(
            f"/en/desk/projects/{project.pk}/public-text/",
            {"text-title": "残したい題名", "text-summary": "   "},
        )
    assert response.status_code == 400
    body = page_of(response)
    assert "Write a public summary for citizens." in body
    assert 'value="残したい題名"' in body
    assert 'aria-describedby="id_text-summary-error"' in body
    assert snapshot() == before


def test_publish_without_approval_is_refused_with_the_reason(client, people):
    project = with_draft(people)
    before = snapshot()
    client.force_login(people["desk_manager"])
    with translation.override("en"):
        response = client.post(f"/en/desk/projects/{project.pk}/publish/")
    assert response.status_code == 400
    body = page_of(response)
    assert "have not been approved yet" in body and 'id="publish-error"' in body
    assert snapshot() == before
    assert not Project.objects.get(pk=project.pk).is_published


def test_manager_publishes_and_unpublishes(client, people):
    project = with_draft(people)
    client.force_login(people["desk_manager"])
    client.post(reverse("project_desk:approve", args=[project.pk]))
    assert client.post(reverse("project_desk:publish", args=[project.pk])).status_code == 302
    assert Project.objects.published().filter(pk=project.pk).exists()
    body = page_of(client.get(detail_url(project)))
    assert reverse("project_desk:unpublish", args=[project.pk]) in body
    assert reverse("projects:detail", args=[project.pk]) in body
    assert client.post(reverse("project_desk:unpublish", args=[project.pk])).status_code == 302
    assert not Project.objects.published().filter(pk=project.pk).exists()
    assert AuditEvent.objects.filter(action="project.unpublish").exists()


# --- (d) details -------------------------------------------------------------------------------


def test_details_are_saved(client, people):
    project = factories.project(people)
    fields = list(Field.objects.all()[:2])
    department = people["department"].department
    client.force_login(people["desk_staff"])
    response = client.post(
        reverse("project_desk:details", args=[project.pk]),
        {
            "details-partner_name": "株式会社パートナー",
            "details-locations": "東区・西区",
            "details-locations_en": "Higashi and Nishi wards",
            "details-period_start": "2026-05-01",
            "details-period_end": "2027-03-31",
            "details-procurement_route": "competitive_proposal",
            "details-fields": [f.pk for f in fields],
            "details-departments": [department.pk],
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#details")
    project.refresh_from_db()
    assert project.partner_name == "株式会社パートナー"
    assert (project.period_start, project.period_end) == (dt.date(2026, 5, 1), dt.date(2027, 3, 31))
    assert project.procurement_route == "competitive_proposal"
    assert set(project.fields.all()) == set(fields)
    assert list(project.departments.all()) == [department]
    assert project.locations_en == "Higashi and Nishi wards"


def test_period_ending_before_it_starts_is_refused_on_the_field(client, people):
    project = factories.project(people)
    before = snapshot()
    client.force_login(people["desk_staff"])
    with translation.override("en"):
        response = client.post(
            f"/en/desk/projects/{project.pk}/details/",
            {
                "details-partner_name": "変えたい名前",
                "details-locations": "博多区",
                "details-period_start": "2026-09-01",
                "details-period_end": "2026-08-31",
                "details-procurement_route": "no_cost",
            },
        )
    assert response.status_code == 400
    body = page_of(response)
    assert 'id="id_details-period_end-error"' in body
    assert "The period cannot end before it starts." in body
    assert 'value="2026-08-31"' in body and 'value="博多区"' in body
    assert 'value="変えたい名前"' in body
    assert snapshot() == before


def test_a_date_that_is_not_a_date_is_a_message(client, people):
    project = factories.project(people)
    before = snapshot()
    client.force_login(people["desk_staff"])
    with translation.override("en"):
        response = client.post(
            f"/en/desk/projects/{project.pk}/details/",
            {
                "details-partner_name": "名前",
                "details-period_start": "来年の春",
                "details-procurement_route": "no_cost",
            },
        )
    assert response.status_code == 400
    assert "Enter a date as YYYY-MM-DD" in page_of(response)
    assert "来年の春" in page_of(response)
    assert snapshot() == before


# --- (e) the agreement -------------------------------------------------------------------------


def test_recording_the_agreement_moves_the_proposal_and_keeps_the_pdf_private(client, people):
    project = factories.project(people)
    client.force_login(people["desk_staff"])
    body = page_of(client.get(detail_url(project)))
    assert reverse("project_desk:start_field", args=[project.pk]) not in body  # not before
    response = client.post(
        reverse("project_desk:agreement", args=[project.pk]),
        {
            "agreement-agreement_date": today().isoformat(),
            "agreement-document": SimpleUploadedFile("連携協定書.pdf", pdf_bytes()),
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.agreement_date == today() and project.proposal.state == "agreement"
    assert project.agreement_document_name == "連携協定書.pdf"
    body = page_of(client.get(detail_url(project)))
    download = reverse("projects:agreement_document", args=[project.pk])
    assert download in body and "連携協定書.pdf" in body
    assert reverse("project_desk:start_field", args=[project.pk]) in body  # now possible
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(
        action="download_agreement", target=f"project:{project.pk}"
    ).exists()


def test_agreement_dated_in_the_future_is_refused(client, people):
    project = factories.project(people)
    before = snapshot()
    client.force_login(people["desk_staff"])
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    with translation.override("en"):
        response = client.post(
            f"/en/desk/projects/{project.pk}/agreement/", {"agreement-agreement_date": tomorrow}
        )
    assert response.status_code == 400
    body = page_of(response)
    assert "The agreement date cannot be in the future." in body
    assert 'id="id_agreement-agreement_date-error"' in body
    assert f'value="{tomorrow}"' in body
    assert snapshot() == before


def test_executable_renamed_pdf_is_refused_as_agreement(client, people):
    project = factories.project(people)
    before = snapshot()
    client.force_login(people["desk_staff"])
    with translation.override("en"):
        response = client.post(
            f"/en/desk/projects/{project.pk}/agreement/",
            {
                "agreement-agreement_date": today().isoformat(),
                "agreement-document": SimpleUploadedFile("協定書.pdf", EXE_PE),
            },
        )
    assert response.status_code == 400
    body = page_of(response)
    assert "is not a PDF file" in body and "協定書.pdf" in body
    assert 'id="id_agreement-document-error"' in body
    assert f'value="{today().isoformat()}"' in body  # the date is kept
    assert snapshot() == before
    assert Project.objects.get(pk=project.pk).proposal.state == "adopted"


def test_agreement_document_can_follow_later(client, people):
    project = with_agreement(people)
    client.force_login(people["desk_staff"])
    body = page_of(client.get(detail_url(project)))
    assert "agreement-agreement_date" not in body and "agreement-document" in body
    response = client.post(
        reverse("project_desk:agreement", args=[project.pk]),
        {"agreement-document": SimpleUploadedFile("後日の協定書.pdf", pdf_bytes())},
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.agreement_document_name == "後日の協定書.pdf"
    assert project.proposal.state == "agreement"


def test_no_agreement_document_means_404(client, people):
    project = with_agreement(people)
    client.force_login(people["desk_staff"])
    url = reverse("projects:agreement_document", args=[project.pk])
    assert client.get(url).status_code == 404


# --- (f) start in the field, (g) complete --------------------------------------------------------


def test_starting_in_the_field_needs_the_confirmation(client, people):
    project = with_agreement(people)
    before = snapshot()
    client.force_login(people["desk_staff"])
    url = reverse("project_desk:start_field", args=[project.pk])
    with translation.override("en"):
        response = client.post(f"/en/desk/projects/{project.pk}/start-field/", {})
    assert response.status_code == 400
    assert "Tick the box to confirm" in page_of(response)
    assert snapshot() == before
    assert client.post(url, {"start-confirm": "on"}).status_code == 302
    project.refresh_from_db()
    assert project.status == Status.DEMONSTRATING and project.proposal.state == "in_field"


def test_start_in_the_field_before_the_agreement_is_refused(client, people):
    project = factories.project(people)
    before = snapshot()
    client.force_login(people["desk_staff"])
    response = client.post(
        reverse("project_desk:start_field", args=[project.pk]), {"start-confirm": "on"}
    )
    assert response.status_code == 400
    assert snapshot() == before


def test_completing_records_the_outcome(client, people):
    project = in_field(people)
    client.force_login(people["desk_staff"])
    body = page_of(client.get(detail_url(project)))
    assert reverse("project_desk:complete", args=[project.pk]) in body
    assert reverse("project_desk:start_field", args=[project.pk]) not in body
    response = client.post(
        reverse("project_desk:complete", args=[project.pk]),
        {
            "complete-outcome": "ended",
            "complete-outcome_summary": "実証を終えました",
            "complete-outcome_summary_en": "The demonstration ended",
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Status.ENDED and project.outcome_summary == "実証を終えました"
    assert project.proposal.outcome == "ended"
    body = page_of(client.get(detail_url(project)))
    assert reverse("project_desk:complete", args=[project.pk]) not in body
    assert "実証を終えました" in body


def test_completing_without_an_outcome_keeps_the_text(client, people):
    project = in_field(people)
    before = snapshot()
    client.force_login(people["desk_staff"])
    with translation.override("en"):
        response = client.post(
            f"/en/desk/projects/{project.pk}/complete/", {"complete-outcome_summary": "成果の文章"}
        )
    assert response.status_code == 400
    body = page_of(response)
    assert "Choose the outcome: rolled out or ended." in body and "成果の文章" in body
    assert snapshot() == before


# --- the page itself ---------------------------------------------------------------------------


def test_detail_page_shows_status_proposal_state_and_links(client, people):
    project = factories.project(people)
    client.force_login(people["desk_manager"])
    with translation.override("en"):
        body = page_of(client.get(f"/en/desk/projects/{project.pk}/"))
        proposal_url = reverse("proposals:detail", args=[project.proposal_id])
    assert 'id="project-status">Preparing<' in body
    assert 'id="proposal-state">Adopted<' in body
    assert proposal_url.startswith("/en/") and f'href="{proposal_url}"' in body
    for anchor in (
        "public-text",
        "publication",
        "details",
        "agreement",
        "lifecycle",
        "field-provision",
        "reports",
    ):
        assert f'id="{anchor}"' in body, anchor


def test_unknown_project_is_404(client, people):
    client.force_login(people["desk_staff"])
    assert client.get(reverse("project_desk:detail", args=[999999])).status_code == 404


def test_a_department_of_the_project_still_cannot_open_the_desk_page(client, people):
    project = factories.project(people)
    project.departments.set([people["department"].department])
    client.force_login(people["department"])
    assert client.get(detail_url(project)).status_code == 404
    assert client.get(reverse("project_desk:list")).status_code == 404


def test_a_year_typed_wrong_is_refused_on_the_field(client, people):
    from django.core.exceptions import ValidationError

    from projects import services as project_services

    project = factories.project(people)
    with pytest.raises(ValidationError) as raised:
        project_services.update_details(
            project,
            people["desk_staff"],
            period_start=dt.date(1, 1, 1),
            period_end=dt.date(2026, 12, 1),
        )
    assert "period_start" in raised.value.message_dict
    project.refresh_from_db()
    assert project.period_start is None
