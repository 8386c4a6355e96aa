"""Reports: the business submits text, figures and files; the desk reviews; e-mails go out.

Files are built from real bytes (a valid PDF, an executable's header); the outbox
(``OutboundEmail``) is read to check recipients and languages.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core.models import AuditEvent, OutboundEmail, Role
from projects import services
from projects.models import Report, ReportAttachment, ReportFigure, ReportState
from proposals import services as proposal_services
from tests import factories
from tests.factories import EXE_PE, pdf_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def project(people):
    project = factories.project(people)
    services.update_details(
        project,
        people["desk_staff"],
        departments=[people["department"].department],
        period_start=dt.date(2026, 6, 1),
        period_end=dt.date(2027, 3, 31),
    )
    project.refresh_from_db()
    return project


def _post(client, project, **extra):
    data = {
        "kind": "progress",
        "body": "6月の利用者は延べ1,234人でした。",
        "figure_0_label": "利用者数",
        "figure_0_value": "1,234",
        "figure_0_unit": "人",
        "figure_1_label": "満足度",
        "figure_1_value": "87.5",
        "figure_1_unit": "%",
    }
    data.update(extra)
    return client.post(reverse("projects:new_report", args=[project.pk]), data)


# --- submission -------------------------------------------------------------------------------


def test_submit_a_report_with_figures_and_a_pdf(client, people, project):
    client.force_login(people["business"])
    response = _post(
        client,
        project,
        files=[SimpleUploadedFile("実証報告書.pdf", pdf_bytes(), content_type="application/pdf")],
    )
    report = Report.objects.get(project=project)
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:report", args=[report.pk])
    assert report.kind == "progress" and report.state == ReportState.SUBMITTED
    assert report.body == "6月の利用者は延べ1,234人でした。"
    assert report.submitted_by == people["business"]
    figures = list(ReportFigure.objects.filter(report=report).values_list("label", "value", "unit"))
    assert figures == [("利用者数", Decimal("1234"), "人"), ("満足度", Decimal("87.5"), "%")]
    attachment = ReportAttachment.objects.get(report=report)
    assert attachment.original_name == "実証報告書.pdf"
    assert attachment.content_type == "application/pdf"
    with attachment.file.open("rb") as stored:
        assert stored.read() == pdf_bytes()
    # The detail page says it was sent and shows everything.
    page = client.get(response["Location"])
    html = page.content.decode()
    with translation.override("ja"):
        assert (
            translation.gettext(
                "Your report was sent to the desk. You will be told by e-mail when it has "
                "been reviewed."
            )
            in html
        )
    assert "1,234" in html and "87.5" in html and "満足度" in html
    assert reverse("projects:report_file", args=[attachment.pk]) in html


def test_report_form_works_without_javascript(client, people, project):
    client.force_login(people["business"])
    response = client.get(reverse("projects:new_report", args=[project.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in html and "<script" not in html
    for row in range(5):
        for part in ("label", "value", "unit"):
            assert f'name="figure_{row}_{part}"' in html
    assert "multiple" in html and 'name="files"' in html
    # Each figure input is named by its column and row headers.
    assert 'aria-labelledby="figures-col-value figures-row-1"' in html
    assert 'id="figures-row-5"' in html


def test_an_executable_renamed_pdf_is_refused_and_the_text_kept(client, people, project):
    client.force_login(people["business"])
    with translation.override("en"):
        response = _post(
            client,
            project,
            body="本文は残ること",
            files=[SimpleUploadedFile("報告書.pdf", EXE_PE, content_type="application/pdf")],
        )
    assert response.status_code == 400
    assert not Report.objects.exists() and not ReportAttachment.objects.exists()
    html = response.content.decode()
    assert "報告書.pdf" in html and "is not a PDF file" in html
    # What was typed is back in the form; the user is told to choose the files again.
    assert "本文は残ること" in html
    assert 'value="利用者数"' in html and 'value="1,234"' in html and 'value="87.5"' in html
    assert "choose the files again" in html
    assert 'id="id_files-error"' in html and 'aria-invalid="true"' in html
    assert not OutboundEmail.objects.filter(reference=f"project:{project.pk}").exists()


def test_a_value_that_is_not_a_number_is_marked_on_its_row(client, people, project):
    client.force_login(people["business"])
    with translation.override("en"):
        response = _post(client, project, figure_1_value="約90")
    assert response.status_code == 400
    assert not Report.objects.exists()
    html = response.content.decode()
    assert "“約90” is not a number" in html
    assert 'id="id_figure_1_value-error"' in html
    assert 'aria-describedby="id_figure_1_value-error"' in html
    assert 'href="#id_figure_1_value"' in html  # linked from the summary at the top
    assert "6月の利用者は延べ1,234人でした。" in html and 'value="約90"' in html


@pytest.mark.parametrize(
    "value,message",
    [
        ("12.345", "at most 12 digits before the decimal point and 2 after"),
        ("1234567890123", "at most 12 digits before the decimal point and 2 after"),
        ("NaN", "is not a number"),
    ],
)
def test_values_the_database_cannot_keep_are_refused(client, people, project, value, message):
    client.force_login(people["business"])
    with translation.override("en"):
        response = _post(client, project, figure_0_value=value)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Report.objects.exists()


def test_a_figure_without_a_label_or_value_is_explained(client, people, project):
    client.force_login(people["business"])
    with translation.override("en"):
        response = _post(
            client,
            project,
            figure_2_label="",
            figure_2_value="5",
            figure_3_label="来場者",
            figure_3_value="",
        )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Say what this figure measures." in html
    assert "Give the value of “来場者”" in html


def test_empty_report_text_is_refused(client, people, project):
    client.force_login(people["business"])
    response = _post(client, project, body="   ")
    assert response.status_code == 400 and not Report.objects.exists()
    assert 'id="id_body-error"' in response.content.decode()


def test_a_returned_report_can_be_sent_again_from_its_text(client, people, project):
    report = services.submit_report(
        project,
        people["business"],
        kind="final",
        body="最終報告",
        figures=[("利用者数", "1200", "人")],
    )
    services.review_report(report, people["desk_staff"], accept=False, comment="数字を確認")
    client.force_login(people["colleague"])
    html = client.get(reverse("projects:report", args=[report.pk])).content.decode()
    new_url = reverse("projects:new_report", args=[project.pk]) + f"?from={report.pk}"
    assert new_url in html
    html = client.get(new_url).content.decode()
    assert "最終報告" in html and 'value="利用者数"' in html and 'value="1200"' in html
    assert re.search(r'value="final"[^>]*checked', html)
    assert not re.search(r'value="progress"[^>]*checked', html)


@pytest.mark.parametrize(
    "role,status",
    [
        ("desk_staff", 403),
        ("department", 403),
        ("other_business", 404),
        ("other_department", 404),
        ("reviewer", 404),
        ("administrator", 404),
    ],
)
def test_only_the_business_writes_reports(client, people, project, role, status):
    client.force_login(people[role])
    url = reverse("projects:new_report", args=[project.pk])
    assert client.get(url).status_code == status
    assert _post(client, project).status_code == status
    assert not Report.objects.exists()


def test_new_report_needs_sign_in(client, project):
    response = client.get(reverse("projects:new_report", args=[project.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    _post(client, project)
    assert not Report.objects.exists()


def test_report_posts_are_rate_limited(client, people, project, settings):
    settings.RATE_LIMITS = {"project_report": (2, 3600)}
    client.force_login(people["business"])
    assert _post(client, project, body="1回目").status_code == 302
    assert _post(client, project, body="2回目").status_code == 302
    response = _post(client, project, body="3回目")
    assert response.status_code == 429 and response["Retry-After"]
    assert Report.objects.count() == 2


# --- e-mails ----------------------------------------------------------------------------------


def test_submission_mails_the_whole_desk_without_a_lead(client, people, project):
    idle = factories.user(Role.DESK_STAFF, is_active=False)
    people["desk_manager"].language = "en"
    people["desk_manager"].save()
    client.force_login(people["business"])
    _post(client, project)
    mails = {m.to: m for m in OutboundEmail.objects.filter(reference=f"project:{project.pk}")}
    assert set(mails) == {people["desk_staff"].email, people["desk_manager"].email}
    assert idle.email not in mails
    url = reverse("project_desk:detail", args=[project.pk])
    staff_mail = mails[people["desk_staff"].email]
    assert url in staff_mail.body and project.partner_name in staff_mail.body
    with translation.override("en"):
        english_url = reverse("project_desk:detail", args=[project.pk])
    manager_mail = mails[people["desk_manager"].email]
    assert english_url.startswith("/en/") and english_url in manager_mail.body
    assert "has submitted a report" in manager_mail.body
    assert "New report" in manager_mail.subject


def test_submission_mails_only_the_lead_when_there_is_one(client, people, project):
    proposal_services.assign_lead(
        [project.proposal_id], people["desk_manager"], people["desk_staff"]
    )
    OutboundEmail.objects.all().delete()
    client.force_login(people["business"])
    _post(client, project)
    assert list(OutboundEmail.objects.values_list("to", flat=True)) == [
        people["desk_manager"].email
    ]


@pytest.mark.parametrize("accept", [True, False])
def test_review_mails_every_member_in_their_language(people, project, accept):
    colleague = people["colleague"]
    colleague.language = "en"
    colleague.save()
    gone = factories.user(
        Role.BUSINESS, organization=people["business"].organization, is_active=False
    )
    report = services.submit_report(project, people["business"], kind="progress", body="進捗")
    OutboundEmail.objects.all().delete()
    services.review_report(
        report, people["desk_staff"], accept=accept, comment="内訳を追記してください。"
    )
    mails = {m.to: m for m in OutboundEmail.objects.all()}
    assert set(mails) == {people["business"].email, colleague.email}
    assert gone.email not in mails and people["other_business"].email not in mails
    for mail in mails.values():
        assert "内訳を追記してください。" in mail.body
    english = mails[colleague.email]
    with translation.override("en"):
        english_url = reverse("projects:report", args=[report.pk])
    assert english_url.startswith("/en/") and english_url in english.body
    if accept:
        assert "has accepted your report" in english.body and "accepted" in english.subject
    else:
        assert "returned your report" in english.body
        assert "returned for changes" in english.subject
    japanese = mails[people["business"].email]
    assert reverse("projects:report", args=[report.pk]) in japanese.body
    assert "/en/" not in japanese.body


# --- the report page and its files ------------------------------------------------------------


@pytest.fixture
def report(people, project):
    return services.submit_report(
        project,
        people["business"],
        kind="progress",
        body="報告本文",
        figures=[("利用者数", "1234", "人")],
        files=[SimpleUploadedFile("写真 一覧.pdf", pdf_bytes())],
    )


ROLES = [
    ("business", 200),
    ("colleague", 200),
    ("desk_staff", 200),
    ("desk_manager", 200),
    ("department", 200),
    ("other_business", 404),
    ("other_department", 404),
    ("reviewer", 404),
    ("administrator", 404),
]


@pytest.mark.parametrize("role,status", ROLES)
def test_report_page_for_each_role(client, people, report, role, status):
    client.force_login(people[role])
    response = client.get(reverse("projects:report", args=[report.pk]))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "報告本文" in html and "利用者数" in html and "写真 一覧.pdf" in html


@pytest.mark.parametrize("role,status", ROLES)
def test_report_file_for_each_role(client, people, report, role, status):
    attachment = report.attachments.get()
    client.force_login(people[role])
    response = client.get(reverse("projects:report_file", args=[attachment.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert "写真 一覧.pdf" in unquote(disposition)
        assert b"".join(response.streaming_content) == pdf_bytes()


def test_report_pages_need_sign_in(client, report):
    attachment = report.attachments.get()
    for url in (
        reverse("projects:report", args=[report.pk]),
        reverse("projects:report_file", args=[attachment.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_report_file_downloads_by_the_city_are_audited(client, people, report):
    attachment = report.attachments.get()
    client.force_login(people["business"])
    client.get(reverse("projects:report_file", args=[attachment.pk]))
    assert not AuditEvent.objects.filter(action="download_report_file").exists()
    client.force_login(people["desk_staff"])
    client.get(reverse("projects:report_file", args=[attachment.pk]))
    event = AuditEvent.objects.get(action="download_report_file")
    assert event.actor == people["desk_staff"]
    assert event.detail == f"report_attachment:{attachment.pk}"


def test_workspace_runs_constant_queries_for_reports(client, people, project):
    services.submit_report(project, people["business"], kind="progress", body="1")
    client.force_login(people["business"])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("projects:workspace", args=[project.pk]))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for n in range(4):
        report = services.submit_report(project, people["business"], kind="progress", body=str(n))
        services.review_report(report, people["desk_staff"], accept=False, comment="再提出")
    assert count() == one


def test_report_page_runs_constant_queries(client, people, project):
    client.force_login(people["business"])
    small = services.submit_report(
        project,
        people["business"],
        kind="progress",
        body="1",
        figures=[("a", "1", "")],
        files=[SimpleUploadedFile("a.pdf", pdf_bytes())],
    )
    big = services.submit_report(
        project,
        people["business"],
        kind="progress",
        body="2",
        figures=[(f"f{n}", str(n), "") for n in range(5)],
        files=[SimpleUploadedFile(f"{n}.pdf", pdf_bytes()) for n in range(4)],
    )
    counts = []
    for report in (small, big):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("projects:report", args=[report.pk])).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_a_report_sent_twice_is_received_once(client, people, project):
    client.force_login(people["business"])
    first = _post(client, project)
    second = _post(client, project)
    assert Report.objects.count() == 1
    assert first["Location"] == second["Location"]
