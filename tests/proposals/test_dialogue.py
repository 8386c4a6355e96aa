"""The dialogue between the business and the desk: who reads which message and file, the
e-mails each message and status change sends, answering a request and withdrawing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import OutboundEmail
from proposals.models import Attachment, Message
from proposals.states import State

from .. import factories

pytestmark = pytest.mark.integration
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def case(people):
    proposal = factories.draft(people["business"])
    factories.act(proposal, "submit", people["business"])
    factories.act(proposal, "start_dialogue", people["desk_staff"])
    factories.refer(proposal, people["department"].department, people["desk_staff"])
    factories.assign(proposal, people["reviewer"])
    OutboundEmail.objects.all().delete()
    return proposal


def post(client, proposal, body, visibility=None, files=()):
    data = {"body": body, "files": list(files)}
    if visibility:
        data["visibility"] = visibility
    return client.post(reverse("proposals:post_message", args=[proposal.pk]), data)


def test_desk_message_reaches_the_business_by_page_and_email(client, people, case):
    client.force_login(people["desk_staff"])
    response = post(
        client,
        case,
        "面談の候補日をお知らせください。",
        "business",
        [SimpleUploadedFile("面談資料.pdf", PDF, content_type="application/pdf")],
    )
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.visibility == "business" and message.attachments.count() == 1
    emails = OutboundEmail.objects.filter(reference=f"proposal:{case.pk}")
    assert {e.to for e in emails} == {people["business"].email, people["colleague"].email}
    assert "面談の候補日" not in emails[0].body  # the message itself stays behind the login
    assert f"/proposals/{case.pk}/" in emails[0].body
    client.force_login(people["business"])
    page = client.get(reverse("proposals:detail", args=[case.pk])).content.decode()
    assert "面談の候補日をお知らせください。" in page and "面談資料.pdf" in page
    file_url = reverse("proposals:download", args=[case.pk, message.attachments.get().pk])
    assert client.get(file_url).status_code == 200


def test_internal_notes_never_reach_the_business_departments_or_reviewers(client, people, case):
    client.force_login(people["desk_staff"])
    post(
        client,
        case,
        "社内メモ：この事業者は過去にも提案あり",
        "internal",
        [SimpleUploadedFile("内部.pdf", PDF, content_type="application/pdf")],
    )
    note = Message.objects.get()
    assert note.visibility == "internal"
    assert not OutboundEmail.objects.exists()
    file_url = reverse("proposals:download", args=[case.pk, note.attachments.get().pk])
    for role in ("business", "colleague", "department", "reviewer", "other_business"):
        client.force_login(people[role])
        page = client.get(reverse("proposals:detail", args=[case.pk]))
        assert "社内メモ" not in page.content.decode(), role
        assert client.get(file_url).status_code == 404, role
    client.force_login(people["desk_manager"])
    assert "社内メモ" in client.get(reverse("proposals:detail", args=[case.pk])).content.decode()
    assert client.get(file_url).status_code == 200


def test_a_business_cannot_write_an_internal_note(client, people, case):
    client.force_login(people["business"])
    post(client, case, "内部扱いにしたい", "internal")
    assert Message.objects.get().visibility == "business"


def test_departments_and_reviewers_see_no_dialogue_and_cannot_post(client, people, case):
    client.force_login(people["business"])
    post(client, case, "事業者からの質問です")
    for role in ("department", "reviewer"):
        client.force_login(people[role])
        page = client.get(reverse("proposals:detail", args=[case.pk]))
        assert page.status_code == 200
        assert "事業者からの質問です" not in page.content.decode()
        assert post(client, case, "割り込み").status_code == 404
    assert Message.objects.count() == 1


def test_business_message_notifies_the_lead(client, people, case):
    from proposals.models import Proposal

    Proposal.objects.filter(pk=case.pk).update(lead=people["desk_staff"])
    client.force_login(people["business"])
    post(
        client,
        case,
        "資料を追加しました",
        files=[SimpleUploadedFile("追加資料.pdf", PDF, content_type="application/pdf")],
    )
    assert OutboundEmail.objects.filter(to=people["desk_staff"].email).count() == 1


def test_an_empty_message_or_a_bad_file_is_refused_and_the_text_kept(client, people, case):
    client.force_login(people["business"])
    response = post(client, case, "   ")
    assert response.status_code == 400
    response = post(
        client,
        case,
        "実行ファイルを添付",
        files=[SimpleUploadedFile("見積.pdf", b"MZ\x90\x00" + b"\x00" * 60)],
    )
    assert response.status_code == 400
    assert "実行ファイルを添付" in response.content.decode()
    assert not Message.objects.exists() and not Attachment.objects.exists()


def test_status_changes_email_the_business_with_the_business_label(client, people, case):
    factories.act(
        case, "request_revision", people["desk_staff"], note="費用の内訳を添付してください"
    )
    email = OutboundEmail.objects.get(to=people["business"].email)
    assert str(case.business_label) in email.subject
    assert "費用の内訳を添付してください" in email.body
    assert f"/proposals/{case.pk}/" in email.body


def test_english_speaking_member_gets_english_email(client, people, case):
    people["colleague"].language = "en"
    people["colleague"].save()
    factories.act(case, "start_coordination", people["desk_staff"])
    email = OutboundEmail.objects.get(to=people["colleague"].email)
    assert "Under consideration by the city" in email.subject
    assert "/en/proposals/" in email.body


def test_answering_a_revision_request_and_resubmitting(client, people, case):
    factories.act(case, "request_revision", people["desk_staff"], note="効果の数値を")
    client.force_login(people["business"])
    detail = client.get(reverse("proposals:detail", args=[case.pk])).content.decode()
    assert reverse("proposals:step", args=[case.pk, "content"]) in detail
    response = client.post(
        reverse("proposals:step", args=[case.pk, "content"]),
        {
            "title": case.title,
            "summary": case.summary,
            "problem": case.problem,
            "solution": case.solution,
            "expected_effect": "移動時間を30%短縮",
        },
    )
    assert response.status_code == 302
    consents = client.get(reverse("proposals:step", args=[case.pk, "consents"])).content.decode()
    assert 'name="consent_' not in consents  # consents were given at submission
    response = client.post(
        reverse("proposals:submit", args=[case.pk]),
        {
            "action": "resubmit",
            "expected_state": "revision_requested",
            "note": "数値を追記しました",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.DIALOGUE and case.expected_effect == "移動時間を30%短縮"
    assert case.programme_id  # unchanged
    assert case.transitions.last().note == "数値を追記しました"


def test_withdrawing_needs_a_reason_and_a_confirmation(client, people, case):
    client.force_login(people["business"])
    url = reverse("proposals:transition", args=[case.pk])
    response = client.post(
        url, {"action": "withdraw", "expected_state": "dialogue", "reason": "", "confirm": "1"}
    )
    assert response.status_code == 400
    reason = "社内体制の変更のため"
    response = client.post(
        url, {"action": "withdraw", "expected_state": "dialogue", "reason": reason}
    )
    assert response.status_code == 400  # not confirmed: nothing happens, the reason stays
    assert reason in response.content.decode()
    case.refresh_from_db()
    assert case.state == State.DIALOGUE
    response = client.post(
        url, {"action": "withdraw", "expected_state": "dialogue", "reason": reason, "confirm": "1"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.WITHDRAWN


def test_the_detail_page_runs_a_constant_number_of_queries_with_many_messages(
    client, people, case, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(people["business"])
    url = reverse("proposals:detail", args=[case.pk])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    post(
        client,
        case,
        "最初のメッセージ",
        files=[SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")],
    )
    few = count()
    for i in range(15):
        post(
            client,
            case,
            f"メッセージ {i}",
            files=[SimpleUploadedFile(f"{i}.pdf", PDF, content_type="application/pdf")],
        )
    assert count() == few
