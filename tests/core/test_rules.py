"""Who may see and do what (core.rules), as one table written from the product rules.

Rows are roles, columns are rules; a draft and a submitted proposal each get their own table.
The list filter (proposals_visible_q) is checked against the object rule for every user.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from core import rules
from core.models import Role
from proposals.models import Proposal
from proposals.states import State

from .. import factories

pytestmark = pytest.mark.unit

ROLES = [
    "business",
    "colleague",
    "other_business",
    "desk_staff",
    "desk_manager",
    "department_referred",
    "department_not_referred",
    "reviewer_assigned",
    "reviewer_conflict",
    "reviewer_not_assigned",
    "administrator",
    "inactive_desk_staff",
    "inactive_business",
    "anonymous",
]

COLUMNS = [
    "view",
    "edit",
    "internal_notes",
    "full_log",
    "business_identity",
    "may_submit",
    "may_start_dialogue",
    "may_adopt",
    "view_org",
    "edit_org",
    "department_portal",
    "manage_people",
]


def _row(flags: str) -> dict[str, bool]:
    bits = flags.split()
    assert len(bits) == len(COLUMNS)
    return dict(zip(COLUMNS, (b == "Y" for b in bits), strict=True))


#                 view edit notes log ident submit dialog adopt vorg eorg portal people
NOBODY = _row("   -    -    -     -   -     -      -      -     -    -    -      -")
DRAFT = {
    "business": _row("Y Y - - Y  Y - -  Y Y - -"),
    "colleague": _row("Y Y - - Y  Y - -  Y Y - -"),
    "other_business": NOBODY,
    # A draft is the business's own workspace: the desk may neither see nor act on it.
    "desk_staff": _row("- - - - -  - - -  Y - - -"),
    "desk_manager": _row("- - - - -  - - -  Y - - -"),
    "department_referred": _row("- - - - -  - - -  - - Y -"),
    "department_not_referred": NOBODY,
    "reviewer_assigned": NOBODY,
    "reviewer_conflict": NOBODY,
    "reviewer_not_assigned": NOBODY,
    "administrator": _row("- - - - -  - - -  Y Y - Y"),
    "inactive_desk_staff": NOBODY,
    "inactive_business": NOBODY,
    "anonymous": NOBODY,
}
SUBMITTED = {
    "business": _row("Y - - - Y  Y - -  Y Y - -"),
    "colleague": _row("Y - - - Y  Y - -  Y Y - -"),
    "other_business": NOBODY,
    "desk_staff": _row("Y - Y Y Y  - Y -  Y - - -"),
    "desk_manager": _row("Y - Y Y Y  - Y Y  Y - - -"),
    "department_referred": _row("Y - - - Y  - - -  - - Y -"),
    "department_not_referred": NOBODY,
    # Identity is hidden from reviewers only in a blind call (test_blind_call_hides_identity).
    "reviewer_assigned": _row("Y - - - Y  - - -  - - - -"),
    "reviewer_conflict": NOBODY,
    "reviewer_not_assigned": NOBODY,
    "administrator": _row("Y - - Y Y  - - -  Y Y - Y"),
    "inactive_desk_staff": NOBODY,
    "inactive_business": NOBODY,
    "anonymous": NOBODY,
}
TABLES = {State.DRAFT: DRAFT, State.SUBMITTED: SUBMITTED}


def evaluate(user, proposal, department) -> dict[str, bool]:
    org = proposal.organization
    return {
        "view": rules.can_view_proposal(user, proposal),
        "edit": rules.can_edit_proposal(user, proposal),
        "internal_notes": rules.can_view_internal_notes(user, proposal),
        "full_log": rules.can_view_full_log(user, proposal),
        "business_identity": rules.can_view_business_identity(user, proposal),
        "may_submit": rules.may_transition(user, proposal, "submit"),
        "may_start_dialogue": rules.may_transition(user, proposal, "start_dialogue"),
        "may_adopt": rules.may_transition(user, proposal, "adopt"),
        "view_org": rules.can_view_organization(user, org),
        "edit_org": rules.can_edit_organization(user, org),
        "department_portal": rules.can_view_department_portal(user, department),
        "manage_people": rules.can_manage_people(user),
    }


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(people):
    """Users of every role in ROLES, and a draft and a submitted proposal that each have a
    referral to department A and assignments to two reviewers (one with a conflict)."""
    business = people["business"]
    dept_a = people["department"].department
    users = {
        "business": business,
        "colleague": people["colleague"],
        "other_business": people["other_business"],
        "desk_staff": people["desk_staff"],
        "desk_manager": people["desk_manager"],
        "department_referred": people["department"],
        "department_not_referred": people["other_department"],
        "reviewer_assigned": people["reviewer"],
        "reviewer_conflict": people["other_reviewer"],
        "reviewer_not_assigned": factories.user(Role.REVIEWER),
        "administrator": people["administrator"],
        "inactive_desk_staff": factories.user(Role.DESK_STAFF, is_active=False),
        "inactive_business": factories.user(
            Role.BUSINESS, organization=business.organization, is_active=False
        ),
        "anonymous": AnonymousUser(),
    }
    assert set(users) == set(ROLES)
    draft = factories.draft(business, title="下書きの提案")
    submitted = factories.draft(business, title="受付済みの提案")
    factories.act(submitted, "submit", business)
    for proposal in (draft, submitted):
        factories.refer(proposal, dept_a, people["desk_staff"])
        factories.assign(proposal, users["reviewer_assigned"])
        factories.assign(proposal, users["reviewer_conflict"], conflict=True)
    return {"users": users, State.DRAFT: draft, State.SUBMITTED: submitted, "dept_a": dept_a}


def test_the_table_covers_every_role_and_column():
    for table in TABLES.values():
        assert list(table) == ROLES
        for row in table.values():
            assert list(row) == COLUMNS


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", [State.DRAFT, State.SUBMITTED])
def test_rules_matrix(world, state, role):
    proposal = Proposal.objects.get(pk=world[state].pk)
    assert proposal.state == state
    got = evaluate(world["users"][role], proposal, world["dept_a"])
    expected = TABLES[state][role]
    wrong = {k: got[k] for k in COLUMNS if got[k] != expected[k]}
    assert not wrong, f"{role} on a {state} proposal: unexpected {wrong}"


def test_reviewer_sees_the_proposal_again_once_the_conflict_is_withdrawn(world):
    submitted = world[State.SUBMITTED]
    reviewer = world["users"]["reviewer_conflict"]
    assert not rules.can_view_proposal(reviewer, submitted)
    submitted.review_assignments.filter(reviewer=reviewer).update(conflict_declared=False)
    assert rules.can_view_proposal(reviewer, submitted)
    assert rules.can_view_business_identity(reviewer, submitted)  # not a blind call


def test_business_may_edit_again_when_more_information_is_requested(world):
    people_ = world["users"]
    submitted = world[State.SUBMITTED]
    factories.act(submitted, "start_dialogue", people_["desk_staff"])
    assert not rules.can_edit_proposal(people_["business"], submitted)
    factories.act(submitted, "request_revision", people_["desk_staff"])
    assert rules.can_edit_proposal(people_["business"], submitted)
    assert rules.can_edit_proposal(people_["colleague"], submitted)
    assert not rules.can_edit_proposal(people_["desk_staff"], submitted)
    factories.act(submitted, "resubmit", people_["business"])
    assert not rules.can_edit_proposal(people_["business"], submitted)


def test_organisation_rules_for_another_organisation(world):
    other_org = world["users"]["other_business"].organization
    business = world["users"]["business"]
    assert not rules.can_view_organization(business, other_org)
    assert not rules.can_edit_organization(business, other_org)
    assert rules.can_view_organization(world["users"]["desk_staff"], other_org)
    assert rules.can_edit_organization(world["users"]["administrator"], other_org)


def test_department_portal_only_for_own_department(world):
    users = world["users"]
    dept_b = users["department_not_referred"].department
    assert rules.can_view_department_portal(users["department_not_referred"], dept_b)
    assert not rules.can_view_department_portal(users["department_referred"], dept_b)
    assert not rules.can_view_department_portal(users["administrator"], dept_b)


# --- list filter and object rule never disagree ------------------------------------------------


@pytest.fixture
def many_proposals(world, people):
    users = world["users"]
    business = users["business"]
    desk = users["desk_staff"]
    dept_b = users["department_not_referred"].department

    def submitted(member, title):
        proposal = factories.draft(member, title=title)
        factories.act(proposal, "submit", member)
        return proposal

    submitted(business, "照会なし")  # visible to the desk only
    referred_b = submitted(business, "B局へ照会")
    factories.refer(referred_b, dept_b, desk)
    assigned = submitted(business, "審査員割当")
    factories.assign(assigned, users["reviewer_not_assigned"])
    crowded = submitted(users["other_business"], "他社・複数照会")
    factories.refer(crowded, world["dept_a"], desk)
    factories.refer(crowded, dept_b, desk)
    for reviewer in ("reviewer_assigned", "reviewer_not_assigned"):
        factories.assign(crowded, users[reviewer])
    factories.assign(crowded, users["reviewer_conflict"], conflict=True)
    other_draft = factories.draft(users["other_business"], title="他社の下書き")
    factories.refer(other_draft, dept_b, desk)
    closed = submitted(business, "取下げ済み")
    factories.act(closed, "withdraw", business)
    return list(Proposal.objects.order_by("pk"))


@pytest.mark.parametrize("role", ROLES)
def test_list_filter_agrees_with_object_rule(world, many_proposals, role):
    user = world["users"][role]
    assert len(many_proposals) == 8
    listed = list(
        Proposal.objects.filter(rules.proposals_visible_q(user)).values_list("pk", flat=True)
    )
    assert len(listed) == len(set(listed)), "the list shows a proposal twice"
    expected = {p.pk for p in many_proposals if rules.can_view_proposal(user, p)}
    assert set(listed) == expected


def test_list_filter_is_not_trivially_empty_or_full(world, many_proposals):
    users = world["users"]
    sizes = {
        role: Proposal.objects.filter(rules.proposals_visible_q(users[role])).count()
        for role in (
            "business",
            "other_business",
            "desk_staff",
            "department_referred",
            "department_not_referred",
            "reviewer_assigned",
            "reviewer_not_assigned",
            "reviewer_conflict",
            "anonymous",
        )
    }
    assert sizes == {
        "business": 6,  # its own, drafts included
        "other_business": 2,
        "desk_staff": 6,  # everything but the two drafts
        "department_referred": 2,  # the submitted proposal and "crowded"
        "department_not_referred": 2,  # referred_b and crowded; not the other's draft
        "reviewer_assigned": 2,  # the submitted proposal and "crowded"
        "reviewer_not_assigned": 2,  # assigned and crowded
        "reviewer_conflict": 0,
        "anonymous": 0,
    }


def test_blind_call_hides_the_business_from_reviewers_only(people):
    import datetime as dt

    from django.utils import timezone

    from themes.models import Theme

    now = timezone.now()
    prog = factories.programme()
    theme = Theme.objects.create(
        title="匿名審査の募集",
        department=factories.department(),
        programme=prog,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=20),
        is_blind=True,
    )
    proposal = factories.draft(people["business"], prog=prog, theme=theme)
    factories.act(proposal, "submit", people["business"])
    factories.assign(proposal, people["reviewer"])
    assert rules.can_view_proposal(people["reviewer"], proposal)
    assert not rules.can_view_business_identity(people["reviewer"], proposal)
    assert rules.can_view_business_identity(people["desk_staff"], proposal)
    theme.is_blind = False
    theme.save()
    proposal.refresh_from_db()
    assert rules.can_view_business_identity(people["reviewer"], proposal)
