"""A file over the limit never costs what was typed: the page comes back with the text and
the other fields kept, and says which file was too large, how large, and the limit."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from proposals.models import Attachment, Message

from .. import factories

pytestmark = pytest.mark.integration


def _in_dialogue(people):
    proposal = factories.draft(people["business"])
    factories.act(proposal, "submit", people["business"])
    factories.act(proposal, "start_dialogue", people["desk_staff"])
    return proposal


def test_a_message_with_a_file_over_the_limit_keeps_the_text(client, people, settings):
    settings.UPLOAD_MAX_FILE_BYTES = 100 * 1024
    proposal = _in_dialogue(people)
    client.force_login(people["business"])
    typed = "費用の内訳を添付します。" * 50
    big = SimpleUploadedFile(
        "内訳.pdf", factories.pdf_bytes(padding=400 * 1024), content_type="application/pdf"
    )
    response = client.post(
        reverse("proposals:post_message", args=[proposal.pk]),
        {"body": typed, "visibility": "business", "files": [big]},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert typed in page  # nothing typed is lost
    assert "内訳.pdf" in page and "100 KB" in page and "400 KB" in page
    assert not Message.objects.filter(proposal=proposal).exists()
    assert not Attachment.objects.filter(proposal=proposal).exists()


def test_a_file_under_the_limit_still_goes_through(client, people, settings):
    settings.UPLOAD_MAX_FILE_BYTES = 100 * 1024
    proposal = _in_dialogue(people)
    client.force_login(people["business"])
    small = SimpleUploadedFile("内訳.pdf", factories.pdf_bytes(), content_type="application/pdf")
    response = client.post(
        reverse("proposals:post_message", args=[proposal.pk]),
        {"body": "添付します。", "visibility": "business", "files": [small]},
    )
    assert response.status_code == 302
    assert Attachment.objects.filter(proposal=proposal, original_name="内訳.pdf").exists()


def test_a_pasted_novel_is_refused_with_the_limit_and_kept(client, people):
    """Every free-text box has a limit, shown beside it; 400 KB pasted into one is refused with
    the limit named, the text stays in the box, and what was saved before is unchanged."""
    draft = factories.draft(people["business"], complete=False, summary="前に保存した要約")
    client.force_login(people["business"])
    page = client.get(reverse("proposals:step", args=[draft.pk, "content"])).content.decode()
    assert "10,000" in page or "10000" in page  # the limit is shown
    novel = "吾輩は猫である。" * 50_000  # 400,000 characters
    response = client.post(
        reverse("proposals:step", args=[draft.pk, "content"]),
        {
            "title": draft.title,
            "summary": novel,
            "problem": "",
            "solution": "",
            "expected_effect": "",
        },
    )
    assert response.status_code in (200, 400)
    body = response.content.decode()
    assert "10000" in body or "10,000" in body
    assert novel[:1000] in body
    draft.refresh_from_db()
    assert draft.summary == "前に保存した要約"
