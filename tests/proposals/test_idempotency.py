"""The same form sent twice creates once: a double click, a resend after an error page or a
timeout never makes two drafts, two messages (and two e-mails) or two export jobs."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse

from core.idempotency import FIELD
from core.models import IdempotencyKey, OutboundEmail
from proposals.models import ExportJob, Message, Proposal

from .. import factories

pytestmark = pytest.mark.integration


def _key_of(html: str) -> str:
    return re.search(rf'name="{FIELD}" value="([0-9a-f]{{32}})"', html).group(1)


def test_the_start_form_sent_ten_times_makes_one_draft(client, people):
    """Measured before: 10 of 10 double POSTs made two drafts."""
    member = people["business"]
    programme = factories.programme()
    client.force_login(member)
    page = client.get(reverse("proposals:start")).content.decode()
    data = {
        "kind": "proposal",
        "programme": programme.pk,
        "title": "二度押しの提案",
        FIELD: _key_of(page),
    }
    targets = {client.post(reverse("proposals:start"), data)["Location"] for _ in range(10)}
    assert Proposal.objects.filter(title="二度押しの提案").count() == 1
    assert len(targets) == 1  # every answer leads to the one draft
    # A new display of the form is a new key: a second draft is a deliberate one.
    page = client.get(reverse("proposals:start")).content.decode()
    client.post(reverse("proposals:start"), {**data, FIELD: _key_of(page)})
    assert Proposal.objects.filter(title="二度押しの提案").count() == 2


def test_a_key_belongs_to_its_person(client, people):
    programme = factories.programme()
    key = "a" * 32
    for member in (people["business"], people["other_business"]):
        client.force_login(member)
        client.post(
            reverse("proposals:start"),
            {"kind": "proposal", "programme": programme.pk, "title": "同じ鍵", FIELD: key},
        )
    drafts = Proposal.objects.filter(title="同じ鍵")
    assert {d.organization_id for d in drafts} == {
        people["business"].organization_id,
        people["other_business"].organization_id,
    }


def test_a_message_resent_is_stored_and_mailed_once(
    client, people, django_capture_on_commit_callbacks
):
    proposal = factories.draft(people["business"])
    factories.act(proposal, "submit", people["business"])
    factories.act(proposal, "start_dialogue", people["desk_staff"])
    client.force_login(people["desk_staff"])
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    data = {"body": "費用の内訳を教えてください。", "visibility": "business", FIELD: _key_of(page)}
    before = OutboundEmail.objects.count()
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("proposals:post_message", args=[proposal.pk]), data)
        assert response.status_code == 302
    assert Message.objects.filter(proposal=proposal, body=data["body"]).count() == 1
    members = [m for m in proposal.organization.members.all() if m.is_active]
    assert OutboundEmail.objects.count() - before == len(members)


def test_an_export_asked_twice_starts_one_job(client, people, settings):
    settings.EXPORT_INLINE_MAX_ROWS = 1
    for title in ("一件目", "二件目"):
        proposal = factories.draft(people["business"], title=title)
        factories.act(proposal, "submit", people["business"])
    client.force_login(people["desk_staff"])
    page = client.get(reverse("desk:inbox")).content.decode()
    data = {"query": "", "all_matching": "1", FIELD: _key_of(page)}
    first = client.post(reverse("desk:export"), data)
    second = client.post(reverse("desk:export"), data)
    assert first["Location"] == second["Location"]
    assert ExportJob.objects.count() == 1


@pytest.mark.postgres
def test_the_same_form_sent_at_once_from_two_connections_makes_one_draft(transactional_db, people):
    """Two requests with one key at the same moment (a double click that reached two web
    processes): the database's unique key decides, and both answers lead to one draft."""
    member = people["business"]
    programme = factories.programme()
    data = {"kind": "proposal", "programme": programme.pk, "title": "同時送信", FIELD: "b" * 32}
    barrier = threading.Barrier(6)
    answers = []

    def post():
        close_old_connections()
        browser = Client()
        browser.force_login(member)
        barrier.wait()
        answers.append(browser.post(reverse("proposals:start"), data)["Location"])
        close_old_connections()

    threads = [threading.Thread(target=post) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Proposal.objects.filter(title="同時送信").count() == 1
    assert len(set(answers)) == 1
    assert IdempotencyKey.objects.filter(user=member, scope="proposal_start").count() == 1
