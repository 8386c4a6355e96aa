"""Every page and action that touches a proposal, for every role: who gets in, who gets a
404 (or the sign-in page), and that nothing confidential leaks into a refused response.

A guessed id must not even reveal that something exists, so refusals are 404s (403 where a
person may see an organisation but not change it). The allowed roles are listed per URL; any
role not listed must be refused.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from proposals import services
from proposals.models import ExportJob, Message

from . import factories

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
VIEWERS = {
    "business",
    "colleague",
    "desk_staff",
    "desk_manager",
    "department",
    "reviewer",
    "administrator",
}
DESK = {"desk_staff", "desk_manager"}
SECRET = "内部メモ：他言無用の検討状況"
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def world(people, settings):
    settings.ANTISPAM_MIN_FILL_SECONDS = 0
    business, desk = people["business"], people["desk_staff"]
    proposal = factories.draft(business, title="保護テスト用の提案")
    services.add_attachment(
        proposal, business, SimpleUploadedFile("提案書.pdf", PDF, content_type="application/pdf")
    )
    factories.act(proposal, "submit", business)
    factories.act(proposal, "start_dialogue", desk)
    referral = factories.refer(proposal, people["department"].department, desk)
    factories.assign(proposal, people["reviewer"])
    factories.assign(proposal, people["other_reviewer"], conflict=True)
    note = services.post_message(
        proposal,
        desk,
        SECRET,
        visibility="internal",
        files=[SimpleUploadedFile("内部資料.pdf", PDF, content_type="application/pdf")],
    )
    draft = factories.draft(business, title="保護テスト用の下書き")
    job = ExportJob.objects.create(requested_by=desk, total=0, status=ExportJob.Status.DONE)
    return {
        "proposal": proposal,
        "draft": draft,
        "referral": referral,
        "job": job,
        "file": proposal.attachments.get(message__isnull=True),
        "note_file": Message.objects.get(pk=note.pk).attachments.get(),
        "org": business.organization,
    }


def _urls(w):
    p, d = w["proposal"], w["draft"]
    return [
        # (url, roles that get in)
        (reverse("proposals:detail", args=[p.pk]), VIEWERS),
        (
            reverse("proposals:receipt", args=[p.pk]),
            {"business", "colleague", "desk_staff", "desk_manager", "administrator"},
        ),
        (
            reverse("proposals:receipt_pdf", args=[p.pk]),
            {"business", "colleague", "desk_staff", "desk_manager", "administrator"},
        ),
        (reverse("proposals:download", args=[p.pk, w["file"].pk]), VIEWERS),
        (reverse("proposals:download", args=[p.pk, w["note_file"].pk]), DESK),
        (reverse("proposals:summary_pdf", args=[p.pk]), DESK),
        (reverse("proposals:detail", args=[d.pk]), {"business", "colleague"}),
        (reverse("proposals:step", args=[d.pk, "content"]), {"business", "colleague"}),
        (reverse("proposals:step", args=[d.pk, "confirm"]), {"business", "colleague"}),
        (reverse("desk:inbox"), DESK),
        (reverse("desk:dashboard"), DESK),
        (reverse("desk:refer", args=[p.pk]), DESK),
        (reverse("desk:referral", args=[w["referral"].pk]), DESK),
        (reverse("desk:export_status", args=[w["job"].pk]), {"desk_staff"}),
        (reverse("department:portal"), {"department", "other_department"}),
        (reverse("department:referral", args=[w["referral"].pk]), {"department"}),
        (
            reverse("accounts:organization_detail", args=[w["org"].pk]),
            {"business", "colleague", "desk_staff", "desk_manager", "administrator"},
        ),
    ]


def _login(client, people, role):
    client.logout()
    if role != "anonymous":
        client.force_login(people[role])


@pytest.mark.parametrize("role", ROLES)
def test_every_page_lets_in_exactly_the_roles_it_should(client, people, world, role, settings):
    settings.DEBUG = False
    _login(client, people, role)
    for url, allowed in _urls(world):
        response = client.get(url)
        if role in allowed:
            assert response.status_code == 200, (role, url, response.status_code)
        elif role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
        else:
            assert response.status_code in (403, 404), (role, url, response.status_code)
        if role not in DESK and response.status_code == 200 and not response.streaming:
            assert SECRET not in response.content.decode(errors="ignore"), (role, url)


POSTS = [
    # (name, url builder, data, roles that may act)
    (
        "post_message",
        lambda w: reverse("proposals:post_message", args=[w["proposal"].pk]),
        {"body": "こんにちは"},
        {"business", "colleague", "desk_staff", "desk_manager"},
    ),
    (
        "transition",
        lambda w: reverse("proposals:transition", args=[w["proposal"].pk]),
        {"action": "start_coordination", "expected_state": "dialogue"},
        {"desk_staff", "desk_manager"},
    ),
    (
        "refer",
        lambda w: reverse("desk:refer", args=[w["proposal"].pk]),
        {},
        {"desk_staff", "desk_manager"},
    ),
    (
        "answer",
        lambda w: reverse("department:referral", args=[w["referral"].pk]),
        {"opinion": "supportive"},
        {"department"},
    ),
    ("assign", lambda w: reverse("desk:assign"), {"lead": "none"}, {"desk_staff", "desk_manager"}),
    (
        "edit_draft",
        lambda w: reverse("proposals:step", args=[w["draft"].pk, "content"]),
        {"title": "書き換え"},
        {"business", "colleague"},
    ),
    (
        "submit_draft",
        lambda w: reverse("proposals:submit", args=[w["draft"].pk]),
        {"expected_state": "draft"},
        {"business", "colleague"},
    ),
    (
        "invite",
        lambda w: reverse("accounts:invite", args=[w["org"].pk]),
        {"email": "new@example.jp"},
        {"business", "colleague"},
    ),
]


@pytest.mark.parametrize("name,url,data,allowed", POSTS, ids=[p[0] for p in POSTS])
@pytest.mark.parametrize("role", ROLES)
def test_every_action_refuses_the_roles_that_may_not_take_it(
    client, people, world, role, name, url, data, allowed
):
    from proposals.models import Proposal, Referral

    _login(client, people, role)
    before = (
        list(Proposal.objects.order_by("pk").values_list("state", "title", "lead_id")),
        Message.objects.count(),
        list(Referral.objects.values_list("opinion", flat=True)),
    )
    response = client.post(url(world), data)
    if role in allowed:
        assert response.status_code not in (404, 500), (role, name, response.status_code)
        return
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name
    else:
        assert response.status_code in (403, 404), (role, name, response.status_code)
    after = (
        list(Proposal.objects.order_by("pk").values_list("state", "title", "lead_id")),
        Message.objects.count(),
        list(Referral.objects.values_list("opinion", flat=True)),
    )
    assert after == before, (role, name)


def test_inactive_users_get_nothing(client, people, world):
    for role in ("business", "desk_staff", "department"):
        user = people[role]
        user.is_active = False
        user.save()
        client.force_login(user)
        for url, _allowed in _urls(world):
            response = client.get(url)
            assert response.status_code in (302, 403, 404), (role, url)
