"""Reports from the business on the desk's project page: text, figures, files; accept or
return with a comment. Reports are made as the business does, with services.submit_report."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core import rules
from core.models import AuditEvent
from projects import services
from projects.models import Report, ReportState
from tests.factories import in_field, pdf_bytes

from .helpers import DESK, OUTSIDERS, detail_url, page_of, snapshot

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def report(people, project, *, kind="progress", body="利用者は順調に増えています。", files=True):
    return services.submit_report(
        project,
        people["business"],
        kind=kind,
        body=body,
        figures=[("利用者数", "1,234", "人"), ("満足度", "4.5", "点")],
        files=[SimpleUploadedFile("実証結果.pdf", pdf_bytes())] if files else [],
    )


@pytest.fixture
def project(people):
    return in_field(people)


def review_url(item) -> str:
    return reverse("project_desk:review_report", args=[item.pk])


def test_reports_show_text_figures_and_files(client, people, project):
    item = report(people, project)
    client.force_login(people["desk_staff"])
    attachment = item.attachments.get()
    with translation.override("en"):
        body = page_of(client.get(f"/en/desk/projects/{project.pk}/"))
        file_url = reverse("projects:report_file", args=[attachment.pk])
    assert file_url.startswith("/en/") and f'href="{file_url}"' in body
    assert "Progress report" in body and "Submitted" in body
    assert "利用者は順調に増えています。" in body
    assert "<caption>Figures</caption>" in body
    assert '<th scope="row">利用者数</th><td class="num">1,234</td><td>人</td>' in body
    assert '<td class="num">4.5</td>' in body
    assert "実証結果.pdf" in body
    assert 'value="accept"' in body and 'value="return"' in body


def test_the_desk_downloads_a_report_file_as_an_attachment(client, people, project):
    attachment = report(people, project).attachments.get()
    client.force_login(people["desk_manager"])
    response = client.get(reverse("projects:report_file", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(
        action="download_report_file", target=f"project:{project.pk}"
    ).exists()


def test_accepting_a_report(client, people, project):
    item = report(people, project)
    client.force_login(people["desk_staff"])
    response = client.post(
        review_url(item),
        {
            f"report-{item.pk}-decision": "accept",
            f"report-{item.pk}-comment": "ありがとうございます",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#report-{item.pk}")
    item.refresh_from_db()
    assert item.state == ReportState.ACCEPTED and item.reviewed_by == people["desk_staff"]
    body = page_of(client.get(detail_url(project)))
    assert "ありがとうございます" in body
    assert review_url(item) not in body  # reviewed: no more buttons


def test_returning_a_report_with_a_comment(client, people, project):
    item = report(people, project, files=False)
    client.force_login(people["desk_manager"])
    response = client.post(
        review_url(item),
        {
            f"report-{item.pk}-decision": "return",
            f"report-{item.pk}-comment": "数値の根拠を追記してください",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == ReportState.RETURNED
    assert item.review_comment == "数値の根拠を追記してください"


def test_returning_without_a_comment_is_refused(client, people, project):
    item = report(people, project)
    other = report(people, project, kind="final", body="最終報告")
    before = snapshot()
    client.force_login(people["desk_staff"])
    with translation.override("en"):
        response = client.post(
            f"/en/desk/projects/reports/{item.pk}/review/",
            {f"report-{item.pk}-decision": "return", f"report-{item.pk}-comment": "  "},
        )
    assert response.status_code == 400
    body = page_of(response)
    assert "Say what the business should change." in body
    # The message is on this report's comment box, not on the other report's.
    assert f'id="id_report-{item.pk}-comment-error"' in body
    assert f'id="id_report-{other.pk}-comment-error"' not in body
    assert snapshot() == before


def test_a_typed_comment_is_kept_when_the_decision_is_missing(client, people, project):
    item = report(people, project)
    before = snapshot()
    client.force_login(people["desk_staff"])
    with translation.override("en"):
        response = client.post(
            f"/en/desk/projects/reports/{item.pk}/review/",
            {f"report-{item.pk}-decision": "maybe", f"report-{item.pk}-comment": "途中のコメント"},
        )
    assert response.status_code == 400
    body = page_of(response)
    assert "Choose to accept the report or return it." in body and "途中のコメント" in body
    assert snapshot() == before


def test_a_reviewed_report_cannot_be_reviewed_again(client, people, project):
    item = report(people, project)
    services.review_report(item, people["desk_staff"], accept=True)
    before = snapshot()
    client.force_login(people["desk_manager"])
    with translation.override("en"):
        response = client.post(
            f"/en/desk/projects/reports/{item.pk}/review/",
            {f"report-{item.pk}-decision": "return", f"report-{item.pk}-comment": "やはり差し戻し"},
        )
    assert response.status_code == 400
    assert "already been reviewed" in page_of(response)
    assert snapshot() == before


@pytest.mark.parametrize("endpoint", ["review", "file"])
def test_outsiders_get_404_and_change_nothing(client, people, project, endpoint):
    item = report(people, project)
    if endpoint == "review":
        url, data = review_url(item), {f"report-{item.pk}-decision": "accept"}
    else:
        url, data = reverse("projects:report_file", args=[item.attachments.get().pk]), None
    before = snapshot()
    # The file is also the partner's (tests/projects/test_project_protection.py walks it for
    # every role): here, everyone outside the desk who may not open the project.
    outsiders = [
        role
        for role in OUTSIDERS
        if endpoint == "review" or not rules.can_view_project(people[role], project)
    ]
    for role in outsiders:
        client.force_login(people[role])
        response = client.get(url) if data is None else client.post(url, data)
        assert response.status_code == 404, role
    client.logout()
    response = client.get(url) if data is None else client.post(url, data)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert snapshot() == before
    assert not AuditEvent.objects.filter(action="download_report_file").exists()


@pytest.mark.parametrize("role", DESK)
def test_both_desk_roles_review(client, people, project, role):
    item = report(people, project)
    client.force_login(people[role])
    assert (
        client.post(review_url(item), {f"report-{item.pk}-decision": "accept"}).status_code == 302
    )
    assert Report.objects.get(pk=item.pk).state == ReportState.ACCEPTED


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_detail_page_query_count_does_not_grow_with_reports(client, people, project):
    report(people, project)
    client.force_login(people["desk_staff"])
    url = detail_url(project)
    one = _queries(client, url)
    for index in range(8):
        item = report(people, project, body=f"報告{index}")
        if index % 3 == 0:
            services.review_report(item, people["desk_staff"], accept=False, comment="修正を")
        elif index % 3 == 1:
            services.review_report(item, people["desk_manager"], accept=True)
    assert project.reports.count() == 9
    assert _queries(client, url) == one
