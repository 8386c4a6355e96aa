"""Adoption creates the project; its status is read from the proposal; the public text gate."""

import pytest
from django.utils import timezone

from projects import services
from projects.models import Project, Status, status_of
from proposals.states import State
from tests import factories

pytestmark = pytest.mark.django_db


def test_adoption_creates_project_with_public_facts_only(people):
    proposal = factories.adopted_proposal(
        people["business"], people["desk_staff"], people["desk_manager"], summary="社外秘の要約XYZ"
    )
    project = Project.objects.get(proposal=proposal)
    assert project.status == Status.PREPARING
    assert project.partner_name == proposal.organization.name
    from core.dates import fiscal_year

    assert project.fiscal_year == fiscal_year(proposal.decided_at)  # 採択年度
    assert project.summary_draft == "" and project.public_summary == ""
    assert not project.is_published


def test_status_follows_the_proposal(people):
    project = factories.project(people)
    services.record_agreement(
        project, people["desk_staff"], agreement_date=timezone.localdate(project.created_at)
    )
    project.refresh_from_db()
    assert project.proposal.state == "agreement" and project.status == Status.PREPARING
    services.start_field(project, people["desk_staff"])
    project.refresh_from_db()
    assert project.status == Status.DEMONSTRATING
    services.complete(
        project, people["desk_staff"], outcome="rolled_out", outcome_summary="市内全域に展開"
    )
    project.refresh_from_db()
    assert project.status == Status.ROLLED_OUT and project.proposal.state == "completed"


def _status_in_query(project) -> str:
    return Project.objects.values_list("status", flat=True).get(pk=project.pk)


@pytest.mark.parametrize(
    "outcome, final", [("rolled_out", Status.ROLLED_OUT), ("ended", Status.ENDED)]
)
def test_the_proposal_is_the_one_owner_of_the_status(people, outcome, final):
    """No status is stored: the property (one project in memory) and the query expression
    (lists, filters, counts) read the proposal's state and outcome and always agree."""
    project = factories.project(people)
    steps = [
        (lambda: None, Status.PREPARING),
        (
            lambda: services.record_agreement(
                project, people["desk_staff"], agreement_date=timezone.localdate(project.created_at)
            ),
            Status.PREPARING,
        ),
        (lambda: services.start_field(project, people["desk_staff"]), Status.DEMONSTRATING),
        (lambda: services.complete(project, people["desk_staff"], outcome=outcome), final),
    ]
    for step, expected in steps:
        step()
        fresh = Project.objects.get(pk=project.pk)
        assert fresh.status == expected
        assert _status_in_query(project) == expected
        assert Project.objects.filter(status=expected, pk=project.pk).exists()
        project.refresh_from_db()
        assert project.status == expected
        assert project.get_status_display() == Status(expected).label
    assert not [f for f in Project._meta.concrete_fields if f.name == "status"]
    # Every transition that changed it is in the proposal's audited log.
    actions = list(project.proposal.transitions.values_list("action", flat=True))
    assert actions[-3:] == ["conclude_agreement", "start_field", "complete"]


@pytest.mark.parametrize("state", [s.value for s in State])
def test_status_of_covers_every_state_as_the_query_does(people, state):
    project = factories.project(people)
    outcome = "rolled_out" if state == State.COMPLETED else ""
    # Put the row in that state directly: the expression, not the lifecycle, is under test.
    type(project.proposal).objects.filter(pk=project.proposal_id).update(
        state=state, outcome=outcome
    )
    assert _status_in_query(project) == status_of(state, outcome)


def test_publishing_needs_an_approved_text(people):
    project = factories.project(people)
    with pytest.raises(services.ProjectError, match="approved|承認"):
        services.publish(project, people["desk_manager"])
    services.update_public_text(
        project, people["desk_staff"], title="公開名", summary="市民向け概要"
    )
    with pytest.raises(services.NotPermitted):
        services.approve_public_text(project, people["desk_staff"])
    services.approve_public_text(project, people["desk_manager"])
    services.publish(project, people["desk_manager"])
    assert Project.objects.published().filter(pk=project.pk).exists()
    # A later draft does not reach the public until approved again.
    services.update_public_text(
        project, people["desk_staff"], title="新しい題", summary="新しい概要"
    )
    project.refresh_from_db()
    assert project.public_title == "公開名" and project.draft_differs


def test_the_manager_approves_only_the_draft_they_read(people, client):
    from django.urls import reverse

    project = factories.project(people)
    services.update_public_text(
        project, people["desk_staff"], title="読んだ題", summary="読んだ概要"
    )
    client.force_login(people["desk_manager"])
    page = client.get(reverse("project_desk:detail", args=[project.pk])).content.decode()
    assert project.draft_fingerprint in page and "読んだ概要" in page
    read = project.draft_fingerprint
    # Staff save another draft while the manager is reading.
    services.update_public_text(project, people["desk_staff"], title="後の題", summary="未読の概要")
    response = client.post(
        reverse("project_desk:approve", args=[project.pk]), {"draft_fingerprint": read}
    )
    project.refresh_from_db()
    assert response.status_code == 400 and project.public_summary == ""
    project.refresh_from_db()
    client.post(
        reverse("project_desk:approve", args=[project.pk]),
        {"draft_fingerprint": project.draft_fingerprint},
    )
    project.refresh_from_db()
    assert project.public_summary == "未読の概要"


def test_the_business_is_told_once_when_its_project_is_published(people):
    from core.models import OutboundEmail

    colleague = people["colleague"]
    colleague.language = "en"
    colleague.save()
    project = factories.project(people, public_title="市民向けの題名")
    services.update_public_text(
        project,
        people["desk_staff"],
        title="市民向けの題名",
        summary="概要",
        title_en="A title for citizens",
    )
    services.approve_public_text(project, people["desk_manager"])
    OutboundEmail.objects.all().delete()
    services.publish(project, people["desk_manager"])
    mails = {m.to: m for m in OutboundEmail.objects.all()}
    assert set(mails) == {people["business"].email, colleague.email}
    assert f"/projects/{project.pk}/" in mails[people["business"].email].body
    assert "市民向けの題名" in mails[people["business"].email].body
    assert "A title for citizens" in mails[colleague.email].body
    assert f"/en/projects/{project.pk}/" in mails[colleague.email].body
    # Taken off and put back: no second announcement.
    services.unpublish(project, people["desk_manager"])
    services.publish(project, people["desk_manager"])
    assert OutboundEmail.objects.count() == 2


def test_waiting_for_approval_is_one_rule_in_python_and_in_sql(people):
    """The desk list filters with the queryset, the page marks with the property."""
    from projects.models import Project

    project = factories.project(people)
    staff, manager = people["desk_staff"], people["desk_manager"]

    def both():
        project.refresh_from_db()
        in_sql = Project.objects.awaiting_approval().filter(pk=project.pk).exists()
        assert project.awaits_approval == in_sql
        return in_sql

    project.title_draft = ""
    project.save(update_fields=["title_draft"])
    assert not both()  # nothing written: waits for the desk, not the manager
    services.update_public_text(project, staff, title="題", summary="概要")
    assert both()
    services.approve_public_text(project, manager)
    assert not both()
    services.update_public_text(project, staff, title="題", summary="概要", title_en="Title")
    assert both()
