"""The demo data: every state reached through the real lifecycle, logins that work, idempotent;
the adopted proposals' projects filled in for citizens, with sites, bookings and reports.

The data is seeded once for the module and every test reads it; the ``--if-empty`` runs, which
need an empty database, are in test_seed_demo_if_empty.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth import authenticate
from django.db import transaction
from django.test import RequestFactory, override_settings
from django.utils import translation

from core.models import Department, Organization, Role, User
from core.rules import can_view_site_bookings, proposals_visible_q
from demo.cases import PROPOSALS
from demo.projects import PROJECTS
from demo.reference import DEMO_PASSWORD
from projects.models import (
    ProcurementRoute,
    Project,
    Report,
    ReportState,
    Site,
    SiteBooking,
    Status,
)
from projects.selectors import public_projects
from proposals.models import ConsentDocument, Proposal
from proposals.states import Kind, Outcome, State
from reviews.models import ReviewAssignment
from themes.models import Programme, Theme

from .helpers import counts, seed

pytestmark = pytest.mark.integration

ADOPTED_STATES = [State.ADOPTED, State.AGREEMENT, State.IN_FIELD, State.COMPLETED]


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[str]:
    """The demo data, seeded once for the module (a run takes over a second) inside a
    transaction rolled back when the module ends. Each test, through ``db``, runs in a savepoint
    within it: it sees the data, and what it changes is undone before the next test.

    The seeding runs under the settings the autouse fixtures of tests/conftest.py give a single
    test (they are function-scoped, so they are not in effect yet): quick password hashes, which
    the tests' hasher must read back, and uploads in a temporary folder, never in the project."""
    with django_db_blocker.unblock(), transaction.atomic():
        with (
            override_settings(
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                MEDIA_ROOT=tmp_path_factory.mktemp("private"),
                PUBLIC_CACHE_RECHECK_SECONDS=0,
            ),
            translation.override("ja"),
        ):
            output = seed()
        yield output
        transaction.set_rollback(True)


@pytest.fixture
def seeded(demo_data, db) -> str:
    """What seed_demo printed; the data is in the database for this test."""
    return demo_data


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
        state__in=[
            State.ADOPTED,
            State.AGREEMENT,
            State.IN_FIELD,
            State.COMPLETED,
            State.DECLINED,
            State.NOT_ACCEPTED,
        ]
    )
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
        "joint",
        "demo-support",
        "startup-procurement",
    }
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
        assert authenticate(request=request, username=user.email, password=DEMO_PASSWORD) == user, (
            role
        )
    admin = User.objects.get(email="admin@example.jp")
    assert admin.is_staff and admin.is_superuser and admin.role == Role.ADMINISTRATOR


def test_every_demo_login_sees_something(seeded):
    for email in [
        "desk@example.jp",
        "manager@example.jp",
        "dept-road@example.jp",
        "dept-welfare@example.jp",
        "reviewer@example.jp",
        "expert@example.jp",
        "admin@example.jp",
        "business@example.jp",
    ]:
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
    assert Proposal.objects.filter(
        proposals_visible_q(other.reviewer), pk=conflict.proposal_id
    ).exists()


def test_running_twice_creates_nothing(seeded):
    before = counts()
    projects = {
        p.pk: (
            p.public_title,
            p.status,
            p.is_published,
            p.agreement_date,
            sorted(p.fields.values_list("code", flat=True)),
        )
        for p in Project.objects.all()
    }
    output = seed()
    assert counts() == before
    assert "created 0 proposals" in output
    assert "filled in 0 projects" in output
    assert {
        p.pk: (
            p.public_title,
            p.status,
            p.is_published,
            p.agreement_date,
            sorted(p.fields.values_list("code", flat=True)),
        )
        for p in Project.objects.all()
    } == projects


# --- projects -------------------------------------------------------------------------------


def test_every_adopted_proposal_has_a_filled_in_project(seeded):
    adopted = Proposal.objects.filter(state__in=ADOPTED_STATES)
    assert adopted.count() == len(PROJECTS) == Project.objects.count() == 5
    manager = User.objects.get(email="manager@example.jp")
    for proposal in adopted:
        project = proposal.project
        # Written for citizens in both languages: never the business's own text.
        for text in (
            project.title_draft,
            project.summary_draft,
            project.title_draft_en,
            project.summary_draft_en,
            project.locations,
            project.locations_en,
        ):
            assert text.strip(), proposal.title
        for own in (
            proposal.summary,
            proposal.problem,
            proposal.solution,
            proposal.expected_effect,
        ):
            if own:
                assert own not in project.summary_draft, proposal.title
        assert project.title_draft != proposal.title
        assert project.fields.exists() and project.departments.exists(), proposal.title
        assert project.period_start and project.period_end >= project.period_start
        assert project.procurement_route in ProcurementRoute.values
        assert project.partner_name == proposal.organization.name
        if project.is_published:
            assert project.approved_by == manager
            assert project.public_title == project.title_draft
            assert project.public_summary_en == project.summary_draft_en
    routes = set(Project.objects.values_list("procurement_route", flat=True))
    assert len(routes) >= 3
    # All but one are published; one waits for the manager's approval.
    waiting = Project.objects.get(is_published=False)
    assert waiting.approved_at is None and waiting.public_title == ""
    assert waiting.title_draft and waiting.summary_draft
    assert waiting.proposal.state == State.ADOPTED
    published = list(public_projects())
    assert len(published) == Project.objects.count() - 1
    assert waiting not in published
    assert all(p.published_at for p in published)


def test_agreement_dates_and_statuses_follow_the_lifecycle(seeded):
    expected = {
        State.ADOPTED: {Status.PREPARING},
        State.AGREEMENT: {Status.PREPARING},
        State.IN_FIELD: {Status.DEMONSTRATING},
        State.COMPLETED: {Status.ROLLED_OUT, Status.ENDED},
    }
    for project in Project.objects.select_related("proposal"):
        state = project.proposal.state
        assert project.status in expected[state], project
        if state == State.ADOPTED:
            assert project.agreement_date is None
        else:
            # The agreement was recorded through the project service, which moved the proposal.
            assert project.agreement_date is not None
            assert project.proposal.transitions.filter(action="conclude_agreement").exists()
        if state == State.COMPLETED:
            assert project.outcome_summary and project.outcome_summary_en
            assert (project.status == Status.ROLLED_OUT) == (
                project.proposal.outcome == Outcome.ROLLED_OUT
            )
    assert set(
        Project.objects.filter(proposal__state=State.COMPLETED).values_list("status", flat=True)
    ) == {Status.ROLLED_OUT, Status.ENDED}


def test_sites_and_bookings_with_one_overlap_confirmed(seeded):
    sites = Site.objects.select_related("department")
    assert 4 <= sites.count() <= 6
    for site in sites:
        assert site.address.startswith("共創市"), site.name
        assert site.department_id and site.is_active
    # The demo department members each have sites and see their bookings.
    for email in ("dept-road@example.jp", "dept-welfare@example.jp"):
        member = User.objects.get(email=email)
        assert can_view_site_bookings(member, member.department)
        assert SiteBooking.objects.filter(site__department=member.department).exists(), email
    # One booking overlaps another project's: the desk was warned and confirmed it.
    confirmed = SiteBooking.objects.get(overlap_confirmed=True)
    others = SiteBooking.objects.overlapping(
        confirmed.site, confirmed.start, confirmed.end
    ).exclude(project=confirmed.project)
    assert others.exists()
    assert confirmed.created_by.email == "desk@example.jp"
    for booking in SiteBooking.objects.filter(overlap_confirmed=False):
        assert not (
            SiteBooking.objects.overlapping(booking.site, booking.start, booking.end)
            .exclude(project=booking.project)
            .filter(created_at__lt=booking.created_at)
            .exists()
        ), booking


def test_reports_with_figures(seeded):
    in_field = Project.objects.get(proposal__state=State.IN_FIELD)
    progress = in_field.reports.get()
    assert progress.kind == Report.Kind.PROGRESS
    assert progress.state == ReportState.SUBMITTED  # waiting for the desk's review
    assert progress.figures.count() >= 3
    assert progress.submitted_by.organization_id == in_field.proposal.organization_id
    for project in Project.objects.filter(proposal__state=State.COMPLETED):
        final = project.reports.get(kind=Report.Kind.FINAL)
        assert final.state == ReportState.ACCEPTED
        assert final.reviewed_by.email == "desk@example.jp" and final.reviewed_at
        assert final.figures.exists()
    assert not Report.objects.filter(
        project__proposal__state__in=[State.ADOPTED, State.AGREEMENT]
    ).exists()
