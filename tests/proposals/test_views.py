"""The proposal pages through the test client, for every role that must and must not get in."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from proposals.models import ProposalTransition
from proposals.states import State

from .. import factories

pytestmark = pytest.mark.integration


@pytest.fixture
def world(people):
    """A draft and a submitted proposal of org A, a submitted one of org B; referral and
    review assignment on the submitted one of org A."""
    biz = people["business"]
    draft = factories.draft(biz, title="下書きの提案")
    submitted = factories.draft(biz, title="受付済みの提案")
    factories.act(submitted, "submit", biz)
    other = factories.draft(people["other_business"], title="他社の提案")
    factories.act(other, "submit", people["other_business"])
    factories.refer(submitted, people["department"].department, people["desk_staff"])
    factories.assign(submitted, people["reviewer"])
    factories.assign(other, people["other_reviewer"], conflict=True)
    return {"draft": draft, "submitted": submitted, "other": other}


# role -> titles it must see in the list
VISIBLE = {
    "business": {"下書きの提案", "受付済みの提案"},
    "colleague": {"下書きの提案", "受付済みの提案"},
    "other_business": {"他社の提案"},
    "desk_staff": {"受付済みの提案", "他社の提案"},
    "desk_manager": {"受付済みの提案", "他社の提案"},
    "department": {"受付済みの提案"},
    "other_department": set(),
    "reviewer": {"受付済みの提案"},
    "other_reviewer": set(),  # assigned, but declared a conflict
    "administrator": {"受付済みの提案", "他社の提案"},
}
ALL_TITLES = {"下書きの提案", "受付済みの提案", "他社の提案"}


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_list_and_detail_show_each_role_exactly_what_it_may_see(client, people, world, role):
    client.force_login(people[role])
    response = client.get(reverse("proposals:list"))
    assert response.status_code == 200
    body = response.content.decode()
    for title in ALL_TITLES:
        assert (title in body) == (title in VISIBLE[role]), (role, title)
    for key, proposal in world.items():
        detail = client.get(reverse("proposals:detail", args=[proposal.pk]))
        expected = 200 if proposal.title in VISIBLE[role] else 404
        assert detail.status_code == expected, (role, key)
        if expected == 404:
            assert proposal.title not in detail.content.decode()


def test_anonymous_is_sent_to_sign_in(client, world):
    for url in [
        reverse("proposals:list"),
        reverse("proposals:detail", args=[world["submitted"].pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    response = client.post(
        reverse("proposals:transition", args=[world["submitted"].pk]),
        {"action": "start_dialogue", "expected_state": "submitted"},
    )
    assert response.status_code == 302
    world["submitted"].refresh_from_db()
    assert world["submitted"].state == State.SUBMITTED


def test_business_sees_business_labels_and_desk_sees_internal_labels(client, people, world):
    proposal = world["submitted"]
    factories.act(proposal, "start_dialogue", people["desk_staff"])
    factories.act(proposal, "start_coordination", people["desk_staff"])
    client.force_login(people["business"])
    body = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert str(proposal.business_label) in body
    assert str(proposal.internal_label) not in body
    assert people["desk_staff"].full_name not in body  # who at the city did it stays internal
    client.force_login(people["desk_staff"])
    body = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert str(proposal.internal_label) in body


def test_desk_takes_a_transition_through_the_page(client, people, world):
    proposal = world["submitted"]
    client.force_login(people["desk_staff"])
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert 'value="start_dialogue"' in page
    assert 'value="adopt"' not in page  # a staff member is not the manager
    response = client.post(
        reverse("proposals:transition", args=[proposal.pk]),
        {"action": "start_dialogue", "expected_state": "submitted"},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == State.DIALOGUE
    assert (
        ProposalTransition.objects.filter(
            proposal=proposal, actor=people["desk_staff"], to_state=State.DIALOGUE
        ).count()
        == 1
    )


def test_stale_page_gets_a_conflict_message_and_keeps_the_typed_reason(client, people, world):
    proposal = world["submitted"]
    factories.act(proposal, "start_dialogue", people["desk_staff"])  # someone else moved it on
    client.force_login(people["desk_manager"])
    reason = "他の担当者が既に対応中かもしれない理由の長い文章"
    response = client.post(
        reverse("proposals:transition", args=[proposal.pk]),
        {"action": "not_accept", "expected_state": "submitted", "reason": reason},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert reason in body  # nothing typed is lost
    assert "message-error" in body
    proposal.refresh_from_db()
    assert proposal.state == State.DIALOGUE


def test_decision_without_reason_is_refused_with_a_message(client, people, world):
    proposal = world["submitted"]
    client.force_login(people["desk_manager"])
    response = client.post(
        reverse("proposals:transition", args=[proposal.pk]),
        {"action": "not_accept", "expected_state": "submitted", "reason": "  "},
    )
    assert response.status_code == 400
    assert "message-error" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == State.SUBMITTED
    assert not ProposalTransition.objects.filter(
        proposal=proposal, to_state=State.NOT_ACCEPTED
    ).exists()


def test_other_business_cannot_act_on_a_guessed_id(client, people, world):
    client.force_login(people["other_business"])
    response = client.post(
        reverse("proposals:transition", args=[world["submitted"].pk]),
        {"action": "withdraw", "expected_state": "submitted", "reason": "x"},
    )
    assert response.status_code == 404
    world["submitted"].refresh_from_db()
    assert world["submitted"].state == State.SUBMITTED


def test_reviewer_and_department_see_no_actions(client, people, world):
    for role in ("reviewer", "department"):
        client.force_login(people[role])
        body = client.get(
            reverse("proposals:detail", args=[world["submitted"].pk])
        ).content.decode()
        assert 'name="action"' not in body, role


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["desk_staff", "business", "department"])
def test_list_runs_a_constant_number_of_queries(client, people, role):
    user = people[role]
    owner = people["business"]
    desk = people["desk_staff"]

    def add(n):
        for _ in range(n):
            p = factories.draft(owner)
            factories.act(p, "submit", owner)
            factories.refer(p, people["department"].department, desk)

    add(1)
    client.force_login(user)
    url = reverse("proposals:list")
    one = _count_queries(client, url)
    add(49)
    many = _count_queries(client, url)
    assert one == many, (one, many)
    assert many <= 8


def test_detail_runs_a_constant_number_of_queries_however_long_the_timeline(client, people):
    biz, desk = people["business"], people["desk_staff"]
    proposal = factories.draft(biz)
    factories.act(proposal, "submit", biz)
    factories.act(proposal, "start_dialogue", desk)
    client.force_login(desk)
    url = reverse("proposals:detail", args=[proposal.pk])
    short = _count_queries(client, url)
    for _ in range(100):  # 200 more timeline events, as the issue asks
        factories.act(proposal, "request_revision", desk)
        factories.act(proposal, "resubmit", biz)
    assert proposal.transitions.count() == 202
    long = _count_queries(client, url)
    assert short == long, (short, long)
    assert long <= 20


def test_draft_content_is_validated_with_clear_messages(people):
    from django.core.exceptions import ValidationError

    from proposals import services

    prog = factories.programme()
    with pytest.raises(ValidationError) as info:
        services.create_draft(
            people["business"],
            programme=prog,
            title="期間が逆",
            desired_start="2027-03-01",
            desired_end="2026-04-01",
        )
    assert "desired" in str(info.value) or "希望" in str(info.value)
    with pytest.raises(ValidationError) as info:
        services.create_draft(
            people["business"],
            programme=prog,
            title="秘密",
            confidential_fields=["summary", "bank_account"],
        )
    assert "confidential_fields" in info.value.message_dict
    ok = services.create_draft(
        people["business"],
        programme=prog,
        title="秘密",
        confidential_fields=["summary", "solution"],
    )
    assert ok.confidential_fields == ["summary", "solution"]
