"""The demo data: every state reached through the real lifecycle, logins that work, idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from core.management.commands.seed_demo import DEMO_PASSWORD, PROPOSALS
from core.models import Department, Organization, Role, User
from core.rules import proposals_visible_q
from proposals.models import ConsentDocument, Programme, Proposal, ProposalTransition, Referral
from proposals.states import Kind, Outcome, State
from reviews.models import ReviewAssignment
from themes.models import Theme

pytestmark = pytest.mark.integration

MODELS = [Programme, ConsentDocument, Department, Organization, User, Theme, Proposal,
          ProposalTransition, Referral, ReviewAssignment]


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def seeded(db) -> str:
    return seed()


def test_every_state_is_reached(seeded):
    states = set(Proposal.objects.values_list("state", flat=True))
    assert states == set(State.values)
    completed = Proposal.objects.filter(state=State.COMPLETED)
    assert set(completed.values_list("outcome", flat=True)) == {Outcome.ROLLED_OUT, Outcome.ENDED}
    assert Proposal.objects.get(state=State.CONSULTATION_CLOSED).kind == Kind.CONSULTATION
    assert Proposal.objects.filter(theme__isnull=False).exists()
    assert Proposal.objects.exclude(confidential_fields=[]).exists()
    assert f"created {len(PROPOSALS)} proposals" in seeded
    assert f"password {DEMO_PASSWORD}" in seeded.splitlines()[-1]


def test_states_match_a_consistent_transition_log(seeded):
    for proposal in Proposal.objects.all():
        log = list(proposal.transitions.order_by("created_at", "pk"))
        if proposal.state == State.DRAFT:
            assert log == []
            continue
        assert log, proposal.title
        assert log[0].from_state == State.DRAFT
        assert log[0].action == "submit"
        for previous, row in zip(log, log[1:], strict=False):
            assert row.from_state == previous.to_state, proposal.title
        assert log[-1].to_state == proposal.state, proposal.title
        assert proposal.receipt_number and proposal.submitted_at


def test_decisions_carry_reasons_and_themed_adoptions_were_reviewed(seeded):
    decided = Proposal.objects.filter(
        state__in=[State.ADOPTED, State.AGREEMENT, State.IN_FIELD, State.COMPLETED,
                   State.DECLINED, State.NOT_ACCEPTED])
    assert decided.exists()
    for proposal in decided:
        assert proposal.decision_reason.strip(), proposal.title
    for proposal in Proposal.objects.filter(transitions__action="adopt").distinct():
        if proposal.requires_review:
            assert proposal.transitions.filter(action="start_review").exists(), proposal.title


def test_organisations_are_valid(seeded):
    organisations = Organization.objects.all()
    assert organisations.count() >= 8
    for organisation in organisations:
        organisation.full_clean()
    corporate = organisations.exclude(corporate_number="")
    assert corporate.count() == organisations.count() - 1
    assert organisations.filter(is_sole_proprietor=True, corporate_number="").count() == 1
    assert organisations.filter(is_startup=True).count() >= 2


def test_reference_data(seeded):
    assert set(Programme.objects.values_list("code", flat=True)) >= {
        "joint", "demo-support", "startup-procurement"}
    demo = Programme.objects.get(code="demo-support")
    assert not demo.review_required and demo.allows_sole_proprietors
    startup = Programme.objects.get(code="startup-procurement")
    assert startup.startups_only and not startup.allows_sole_proprietors
    current = ConsentDocument.current()
    assert set(current) == set(ConsentDocument.Kind.values)
    assert {doc.version for doc in current.values()} == {"2026-04"}
    assert Department.objects.count() >= 8
    call = Theme.objects.get(kind=Theme.Kind.CALL)
    assert call.status_at() == Theme.Status.OPEN


def test_every_role_can_log_in(seeded):
    request = RequestFactory().get("/")
    for role in Role.values:
        user = User.objects.filter(role=role).order_by("email").first()
        assert user is not None, role
        assert authenticate(request=request, username=user.email,
                            password=DEMO_PASSWORD) == user, role
    admin = User.objects.get(email="admin@example.jp")
    assert admin.is_staff and admin.is_superuser and admin.role == Role.ADMINISTRATOR


def test_every_demo_login_sees_something(seeded):
    for email in ["desk@example.jp", "manager@example.jp", "dept-road@example.jp",
                  "dept-welfare@example.jp", "reviewer@example.jp", "expert@example.jp",
                  "admin@example.jp", "business@example.jp"]:
        user = User.objects.get(email=email)
        assert Proposal.objects.filter(proposals_visible_q(user)).exists(), email
    road = User.objects.get(email="dept-road@example.jp")
    welfare = User.objects.get(email="dept-welfare@example.jp")
    for state in (State.COORDINATION, State.REVIEW):
        for member in (road, welfare):
            assert Proposal.objects.filter(proposals_visible_q(member), state=state).exists()


def test_conflicted_reviewer_does_not_see_the_conflicted_proposal(seeded):
    conflict = ReviewAssignment.objects.get(conflict_declared=True)
    assert conflict.proposal.state == State.REVIEW
    visible = Proposal.objects.filter(proposals_visible_q(conflict.reviewer))
    assert visible.exists()
    assert not visible.filter(pk=conflict.proposal_id).exists()
    other = conflict.proposal.review_assignments.exclude(pk=conflict.pk).get()
    assert Proposal.objects.filter(proposals_visible_q(other.reviewer),
                                   pk=conflict.proposal_id).exists()


def test_running_twice_creates_nothing(seeded):
    before = counts()
    output = seed()
    assert counts() == before
    assert "created 0 proposals" in output


def test_if_empty_does_nothing_when_users_exist(db):
    User.objects.create_user(email="someone@example.jp", password="x" * 12, full_name="誰か",
                             role=Role.DESK_STAFF)
    before = counts()
    output = seed("--if-empty")
    assert counts() == before
    assert len(output.strip().splitlines()) == 1


def test_if_empty_seeds_an_empty_database(db):
    seed("--if-empty")
    assert User.objects.filter(email="desk@example.jp").exists()
