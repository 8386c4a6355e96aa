"""The business's intake pages through the test client: start, steps, files, consents,
submission, receipt, the session that expired mid-step, and a double click on submit."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import OutboundEmail, Role
from proposals.models import (
    Attachment,
    ConsentDocument,
    Proposal,
    ProposalConsent,
    ProposalTransition,
)
from proposals.states import State

from .. import factories

pytestmark = pytest.mark.integration

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def step_url(proposal, step):
    return reverse("proposals:step", args=[proposal.pk, step])


@pytest.fixture
def member(db):
    factories.consent_documents()
    return factories.user(Role.BUSINESS)


@pytest.fixture
def programme(db):
    return factories.programme(name="共働事業", name_en="Joint project")


@pytest.fixture
def draft(member, programme):
    return factories.draft(member, prog=programme, complete=False, title="見守りサービスの実証")


def test_start_creates_a_draft_for_the_members_organisation(client, member, programme):
    client.force_login(member)
    page = client.get(reverse("proposals:start"))
    assert page.status_code == 200
    response = client.post(
        reverse("proposals:start"),
        {"kind": "proposal", "programme": programme.pk, "title": "AIオンデマンド交通"},
    )
    proposal = Proposal.objects.get(title="AIオンデマンド交通")
    assert response.status_code == 302
    assert response["Location"] == step_url(proposal, "organization")
    assert proposal.organization == member.organization
    assert proposal.state == State.DRAFT


@pytest.mark.parametrize(
    "role", [Role.DESK_STAFF, Role.DEPARTMENT, Role.REVIEWER, Role.ADMINISTRATOR]
)
def test_only_business_members_can_start(client, programme, role):
    client.force_login(factories.user(role))
    assert client.get(reverse("proposals:start")).status_code == 404
    assert not Proposal.objects.exists()


def test_ineligible_programme_is_refused_with_the_reason(client, db):
    sole = factories.user(
        Role.BUSINESS, organization=factories.organization(is_sole_proprietor=True)
    )
    prog = factories.programme(allows_sole_proprietors=False)
    client.force_login(sole)
    response = client.post(
        reverse("proposals:start"),
        {"kind": "proposal", "programme": prog.pk, "title": "個人事業主の提案"},
    )
    assert response.status_code == 200
    assert "個人事業主" in response.content.decode()
    assert 'value="個人事業主の提案"' in response.content.decode()  # what was typed stays
    assert not Proposal.objects.exists()


def test_a_step_saves_and_continues_or_stays(client, member, draft):
    client.force_login(member)
    data = {
        "kind": "proposal",
        "programme": draft.programme_id,
        "title": "見守りサービスの実証",
        "summary": "高齢者の見守り",
        "problem": "孤立",
        "solution": "センサー",
        "expected_effect": "早期発見",
    }
    response = client.post(step_url(draft, "content"), {**data, "continue": ""})
    assert response["Location"] == step_url(draft, "requests")
    draft.refresh_from_db()
    assert draft.summary == "高齢者の見守り"
    response = client.post(step_url(draft, "content"), {**data, "summary": "更新", "save": ""})
    assert response["Location"] == step_url(draft, "content")
    draft.refresh_from_db()
    assert draft.summary == "更新"


def test_a_validation_error_keeps_and_saves_everything_else(client, member, draft):
    client.force_login(member)
    response = client.post(
        step_url(draft, "content"),
        {
            "kind": "proposal",
            "programme": draft.programme_id,
            "title": "",
            "summary": "消えてはいけない要約",
            "problem": "課題",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'aria-invalid="true"' in body and 'id="id_title-error"' in body
    assert "消えてはいけない要約" in body
    draft.refresh_from_db()
    assert draft.summary == "消えてはいけない要約"  # saved although the title was missing
    assert draft.title == "見守りサービスの実証"  # the invalid field kept its old value


def test_a_period_that_ends_before_it_starts_is_refused_and_the_rest_saved(client, member, draft):
    client.force_login(member)
    response = client.post(
        step_url(draft, "requests"),
        {
            "city_cost": "none",
            "desired_location": "中央区の公民館",
            "desired_start": "2027-03-01",
            "desired_end": "2026-04-01",
            "ask_field": "on",
        },
    )
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.desired_location == "中央区の公民館"
    assert draft.ask_field is True
    assert draft.desired_start is None and draft.desired_end is None


def test_desired_departments_are_saved(client, member, draft):
    departments = [factories.department(), factories.department()]
    client.force_login(member)
    client.post(
        step_url(draft, "requests"),
        {"city_cost": "none", "desired_departments": [d.pk for d in departments]},
    )
    assert set(draft.desired_departments.all()) == set(departments)


def test_a_pdf_with_a_japanese_name_is_attached_stored_privately_and_downloaded(
    client, member, draft, settings
):
    client.force_login(member)
    upload = SimpleUploadedFile("提案書_最終版.pdf", PDF, content_type="application/pdf")
    response = client.post(step_url(draft, "attachments"), {"files": [upload], "continue": ""})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "提案書_最終版.pdf"
    assert attachment.content_type == "application/pdf"
    assert "提案書" not in attachment.file.name  # stored under a random name
    assert str(settings.MEDIA_ROOT) in attachment.file.path
    assert not attachment.file.path.startswith(str(settings.STATIC_ROOT))
    download = client.get(reverse("proposals:download", args=[draft.pk, attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E6%8F%90%E6%A1%88" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"


def test_an_executable_renamed_pdf_is_refused_with_a_message(client, member, draft):
    client.force_login(member)
    upload = SimpleUploadedFile("提案書.pdf", EXE, content_type="application/pdf")
    response = client.post(step_url(draft, "attachments"), {"files": [upload]})
    assert response.status_code == 400
    assert "提案書.pdf" in response.content.decode()
    assert 'class="field-error"' in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_file_over_the_limit_is_refused_with_the_limit_stated(client, member, draft, settings):
    settings.UPLOAD_MAX_FILE_BYTES = 1024
    client.force_login(member)
    upload = SimpleUploadedFile("大きい.pdf", PDF + b"0" * 2048, content_type="application/pdf")
    response = client.post(step_url(draft, "attachments"), {"files": [upload]})
    assert response.status_code == 400
    assert not Attachment.objects.exists()


def test_a_file_can_be_removed_from_a_draft(
    client, member, draft, django_capture_on_commit_callbacks
):
    client.force_login(member)
    client.post(
        step_url(draft, "attachments"),
        {"files": [SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")]},
    )
    attachment = Attachment.objects.get()
    path = attachment.file.path
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("proposals:remove_file", args=[draft.pk, attachment.pk]))
    assert response.status_code == 302
    assert not Attachment.objects.exists()
    import os

    assert not os.path.exists(path)


def test_consents_are_recorded_with_their_version_and_time(client, member, draft):
    client.force_login(member)
    kinds = [k for k, _ in ConsentDocument.Kind.choices]
    client.post(
        step_url(draft, "consents"),
        {**{f"consent_{k}": "on" for k in kinds}, "confidential_fields": ["solution"]},
    )
    consents = ProposalConsent.objects.filter(proposal=draft).select_related("document")
    assert sorted(c.document.kind for c in consents) == sorted(kinds)
    assert all(c.document.version == "2026-04" and c.accepted_at for c in consents)
    draft.refresh_from_db()
    assert draft.confidential_fields == ["solution"]
    # Unticking withdraws that consent.
    client.post(step_url(draft, "consents"), {f"consent_{k}": "on" for k in kinds[1:]})
    assert ProposalConsent.objects.filter(proposal=draft).count() == len(kinds) - 1


def _complete(client, draft):
    kinds = [k for k, _ in ConsentDocument.Kind.choices]
    client.post(
        step_url(draft, "content"),
        {
            "kind": "proposal",
            "programme": draft.programme_id,
            "title": draft.title,
            "summary": "要約",
            "problem": "課題",
            "solution": "解決策",
        },
    )
    client.post(step_url(draft, "consents"), {f"consent_{k}": "on" for k in kinds})


def test_confirm_lists_what_is_missing_until_the_draft_is_complete(client, member, draft):
    client.force_login(member)
    body = client.get(step_url(draft, "confirm")).content.decode()
    assert "error-summary" in body and "disabled" in body
    _complete(client, draft)
    body = client.get(step_url(draft, "confirm")).content.decode()
    assert "error-summary" not in body


def test_submission_gives_a_receipt_number_page_email_and_pdf_link(client, member, draft):
    client.force_login(member)
    _complete(client, draft)
    response = client.post(
        reverse("proposals:submit", args=[draft.pk]),
        {"action": "submit", "expected_state": "draft"},
    )
    assert response["Location"] == reverse("proposals:receipt", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED and draft.receipt_number.startswith("KD-")
    page = client.get(response["Location"]).content.decode()
    assert draft.receipt_number in page
    assert reverse("proposals:receipt_pdf", args=[draft.pk]) in page
    email = OutboundEmail.objects.get(to=member.email)
    assert draft.receipt_number in email.subject
    assert f"/proposals/{draft.pk}/receipt.pdf" in email.body


def test_a_double_click_on_submit_makes_exactly_one_submission(client, member, draft):
    client.force_login(member)
    _complete(client, draft)
    url = reverse("proposals:submit", args=[draft.pk])
    first = client.post(url, {"action": "submit", "expected_state": "draft"})
    second = client.post(url, {"action": "submit", "expected_state": "draft"})
    assert first.status_code == second.status_code == 302
    assert second["Location"] == reverse("proposals:receipt", args=[draft.pk])
    assert ProposalTransition.objects.filter(proposal=draft, action="submit").count() == 1
    assert OutboundEmail.objects.filter(to=member.email).count() == 1


def test_an_incomplete_draft_is_not_submitted(client, member, draft):
    client.force_login(member)
    response = client.post(
        reverse("proposals:submit", args=[draft.pk]),
        {"action": "submit", "expected_state": "draft"},
    )
    assert response["Location"] == step_url(draft, "confirm")
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_receipt_pdf_is_served_to_the_business_only(client, member, draft, people):
    from core.status import cjk_fonts

    from ..support import require

    require(bool(cjk_fonts()), "no Japanese font for PDFs")
    client.force_login(member)
    _complete(client, draft)
    client.post(reverse("proposals:submit", args=[draft.pk]), {"expected_state": "draft"})
    response = client.get(reverse("proposals:receipt_pdf", args=[draft.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    client.force_login(people["other_business"])
    assert client.get(reverse("proposals:receipt_pdf", args=[draft.pk])).status_code == 404


def test_a_post_from_an_expired_session_is_restored_after_signing_in(client, member, draft):
    # No session: the POST reaches the step as an anonymous visitor.
    data = {
        "kind": "proposal",
        "programme": draft.programme_id,
        "title": draft.title,
        "summary": "セッション切れでも残る要約",
        "continue": "",
    }
    response = client.post(step_url(draft, "content"), data)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    draft.refresh_from_db()
    assert draft.summary == ""
    client.force_login(member)  # keeps the anonymous session's data, as a real login does
    page = client.get(step_url(draft, "content"))
    assert page.status_code in (200, 302)
    draft.refresh_from_db()
    assert draft.summary == "セッション切れでも残る要約"


def test_another_business_reaches_nothing_by_guessing(client, member, draft, people):
    client.force_login(member)
    client.post(
        step_url(draft, "attachments"),
        {"files": [SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")]},
    )
    attachment = Attachment.objects.get()
    client.force_login(people["other_business"])
    for url in [step_url(draft, s) for s in ("organization", "content", "consents", "confirm")] + [
        reverse("proposals:detail", args=[draft.pk]),
        reverse("proposals:download", args=[draft.pk, attachment.pk]),
        reverse("proposals:receipt", args=[draft.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        reverse("proposals:submit", args=[draft.pk]),
        reverse("proposals:remove_file", args=[draft.pk, attachment.pk]),
        reverse("proposals:post_message", args=[draft.pk]),
        step_url(draft, "content"),
    ]:
        assert client.post(url, {"title": "乗っ取り", "body": "x"}).status_code == 404, url
    draft.refresh_from_db()
    assert draft.title == "見守りサービスの実証" and Attachment.objects.count() == 1


def test_the_desk_cannot_open_a_draft_or_its_files(client, member, draft, people):
    client.force_login(member)
    client.post(
        step_url(draft, "attachments"),
        {"files": [SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")]},
    )
    attachment = Attachment.objects.get()
    for role in ("desk_staff", "desk_manager", "department", "reviewer"):
        client.force_login(people[role])
        assert (
            client.get(reverse("proposals:download", args=[draft.pk, attachment.pk])).status_code
            == 404
        )
        assert client.get(step_url(draft, "content")).status_code == 404


def test_csrf_is_enforced_on_intake_forms(member, draft):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    response = strict.post(step_url(draft, "content"), {"title": "x"})
    assert response.status_code == 403


def test_submission_is_rate_limited_per_ip(client, member, draft, settings):
    settings.RATE_LIMITS = {"submit": (2, 3600)}
    client.force_login(member)
    url = reverse("proposals:submit", args=[draft.pk])
    for _ in range(2):
        assert (
            client.post(url, {"expected_state": "draft"}, REMOTE_ADDR="203.0.113.9").status_code
            == 302
        )
    blocked = client.post(url, {"expected_state": "draft"}, REMOTE_ADDR="203.0.113.9")
    assert blocked.status_code == 429
    assert "Retry-After" in blocked
    other = client.post(url, {"expected_state": "draft"}, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302


def test_a_real_30_mb_file_is_refused_at_the_default_limit_with_the_limit_stated(
    client, member, draft
):
    client.force_login(member)
    big = SimpleUploadedFile(
        "説明資料.pdf", PDF + b"0" * (30 * 1024 * 1024), content_type="application/pdf"
    )
    response = client.post(step_url(draft, "attachments"), {"files": [big]})
    assert response.status_code == 400
    body = response.content.decode()
    assert "説明資料.pdf" in body and "10 MB" in body
    assert not Attachment.objects.exists()
