"""The review services: assigning in bulk, conflicts, scoring and its bad input, closing a
round, reminders. Real database; e-mails are checked as outbox rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.models import OutboundEmail, Role
from reviews import services
from reviews.models import ReviewAssignment, Score

from .. import factories
from ..factories import make_rubric, open_theme, submitted

pytestmark = pytest.mark.integration


@pytest.fixture
def pair(people, theme):
    business = people["business"]
    return [
        submitted(business, theme, title="提案その一"),
        submitted(business, theme, title="提案その二"),
    ]


def _criteria(proposal):
    return list(services.rubric_for(proposal).criteria.all())


def _assign(proposal, reviewer, desk):
    return services.assign_reviewers([proposal], [reviewer], desk)[0]


# --- Assigning --------------------------------------------------------------------------------


def test_the_desk_assigns_reviewers_in_bulk_and_each_is_emailed(people, pair):
    desk = people["desk_staff"]
    reviewers = [people["reviewer"], people["other_reviewer"]]
    created = services.assign_reviewers(pair, reviewers, desk)
    assert len(created) == 4
    assert set(ReviewAssignment.objects.values_list("proposal_id", "reviewer_id")) == {
        (p.pk, r.pk) for p in pair for r in reviewers
    }
    assert all(a.assigned_by == desk for a in created)
    mails = OutboundEmail.objects.filter(to=people["reviewer"].email)
    assert mails.count() == 2
    assert all("/reviews/assignments/" in m.body for m in mails)
    # Assigning again adds nothing and e-mails nobody twice.
    assert services.assign_reviewers(pair, reviewers, desk) == []
    assert OutboundEmail.objects.filter(to__in=[r.email for r in reviewers]).count() == 4


@pytest.mark.parametrize("who", ["business", "department", "administrator", "desk_staff"])
def test_only_reviewers_can_be_assigned(people, pair, who):
    with pytest.raises(services.ReviewError, match="Only active reviewers can be assigned"):
        services.assign_reviewers(pair, [people["reviewer"], people[who]], people["desk_staff"])
    assert not ReviewAssignment.objects.exists()
    assert (
        not OutboundEmail.objects.exists()
        or not OutboundEmail.objects.filter(to=people["reviewer"].email).exists()
    )


def test_a_draft_cannot_be_assigned(people, pair):
    draft = factories.draft(people["business"], title="下書きの提案")
    with pytest.raises(services.ReviewError, match="draft"):
        services.assign_reviewers([pair[0], draft], [people["reviewer"]], people["desk_staff"])
    assert not ReviewAssignment.objects.exists()


@pytest.mark.parametrize("who", ["business", "department", "reviewer", "administrator"])
def test_only_the_desk_assigns(people, pair, who):
    with pytest.raises(services.NotPermitted):
        services.assign_reviewers(pair, [people["reviewer"]], people[who])


def test_a_rubric_whose_weights_are_zero_cannot_be_used(people):
    theme = open_theme(make_rubric(weights=(0, 0)), title="重みゼロの募集")
    proposal = submitted(people["business"], theme)
    with pytest.raises(services.ReviewError, match="all its weights are zero"):
        services.assign_reviewers([proposal], [people["reviewer"]], people["desk_staff"])
    # Assigned before the weights were set to zero: scoring is refused too.
    assignment = factories.assign(proposal, people["reviewer"])
    criterion = _criteria(proposal)[0]
    with pytest.raises(services.ReviewError, match="all its weights are zero"):
        services.save_scores(assignment, people["reviewer"], {criterion.pk: (3, "")}, submit=False)
    assert not Score.objects.exists()


# --- Conflicts --------------------------------------------------------------------------------


def test_a_conflict_excludes_the_reviewer_and_tells_the_desk(people, pair, client):
    proposal = pair[0]
    assignment = _assign(proposal, people["reviewer"], people["desk_staff"])
    services.save_scores(
        assignment, people["reviewer"], {_criteria(proposal)[0].pk: (4, "下書き")}, submit=False
    )
    services.declare_conflict(assignment, people["reviewer"], "提案企業の顧問をしている")
    assignment.refresh_from_db()
    assert assignment.conflict_declared and assignment.status == "conflicted"
    assert not assignment.scores.exists()
    # No lead: every active desk user is told.
    desk_mails = OutboundEmail.objects.filter(
        subject__contains=proposal.receipt_number, body__contains="提案企業の顧問をしている"
    )
    assert set(desk_mails.values_list("to", flat=True)) == {
        people["desk_staff"].email,
        people["desk_manager"].email,
    }
    with pytest.raises(services.ReviewError, match="already declared"):
        services.declare_conflict(assignment, people["reviewer"], "再度")
    with pytest.raises(services.NotPermitted):
        services.save_scores(assignment, people["reviewer"], {}, submit=False)


def test_a_conflict_is_told_to_the_lead_when_there_is_one(people, pair):
    from proposals import services as proposal_services

    proposal = pair[0]
    proposal_services.assign_lead([proposal.pk], people["desk_manager"], people["desk_staff"])
    proposal.refresh_from_db()
    assignment = _assign(proposal, people["reviewer"], people["desk_staff"])
    OutboundEmail.objects.all().delete()
    services.declare_conflict(assignment, people["reviewer"], "親族が役員")
    assert list(OutboundEmail.objects.values_list("to", flat=True)) == [
        people["desk_manager"].email
    ]


def test_a_conflict_needs_a_note_and_the_reviewer_itself(people, pair):
    assignment = _assign(pair[0], people["reviewer"], people["desk_staff"])
    with pytest.raises(services.ReviewError, match="conflict of interest is"):
        services.declare_conflict(assignment, people["reviewer"], "  ")
    with pytest.raises(services.NotPermitted):
        services.declare_conflict(assignment, people["other_reviewer"], "他人の申告")
    assignment.refresh_from_db()
    assert not assignment.conflict_declared


# --- Scoring ----------------------------------------------------------------------------------


def test_scores_outside_the_scale_are_refused_and_nothing_is_saved(people, pair):
    proposal = pair[0]
    assignment = _assign(proposal, people["reviewer"], people["desk_staff"])
    c1, c2, c3 = _criteria(proposal)
    for bad in (0, 6, "9", "-1", "3.5", "abc"):
        with pytest.raises(services.ReviewError) as caught:
            services.save_scores(
                assignment,
                people["reviewer"],
                {c1.pk: (4, "良い"), c2.pk: (bad, "範囲外"), c3.pk: (None, "")},
                submit=True,
            )
        assert "from 1 to 5" in caught.value.message
        assert set(caught.value.errors) == {c2.pk}
    assert not Score.objects.exists()
    assignment.refresh_from_db()
    assert assignment.submitted_at is None


def test_a_criterion_of_another_rubric_is_refused(people, pair):
    proposal = pair[0]
    assignment = _assign(proposal, people["reviewer"], people["desk_staff"])
    foreign = make_rubric(name="別の基準").criteria.first()
    with pytest.raises(services.ReviewError, match="not part of the rubric"):
        services.save_scores(assignment, people["reviewer"], {foreign.pk: (3, "")}, submit=False)
    assert not Score.objects.exists()


def test_a_draft_then_a_submission_with_an_abstention(people, pair):
    proposal = pair[0]
    reviewer = people["reviewer"]
    assignment = _assign(proposal, reviewer, people["desk_staff"])
    c1, c2, c3 = _criteria(proposal)
    services.save_scores(assignment, reviewer, {c1.pk: (5, "社会的意義が大きい")}, submit=False)
    assert assignment.submitted_at is None
    with pytest.raises(services.ReviewError, match="give a score or abstain"):
        services.save_scores(assignment, reviewer, {c1.pk: (5, "")}, submit=True)
    assert Score.objects.get(criterion=c1).comment == "社会的意義が大きい"  # the draft is kept

    services.save_scores(
        assignment,
        reviewer,
        {c1.pk: (4, "修正"), c2.pk: ("3", ""), c3.pk: (None, "判断できない")},
        submit=True,
    )
    assignment.refresh_from_db()
    assert assignment.submitted_at is not None and assignment.status == "submitted"
    assert {s.criterion_id: s.value for s in assignment.scores.all()} == {
        c1.pk: 4,
        c2.pk: 3,
        c3.pk: None,
    }


def test_abstaining_on_everything_cannot_be_submitted(people, pair):
    proposal = pair[0]
    assignment = _assign(proposal, people["reviewer"], people["desk_staff"])
    with pytest.raises(services.ReviewError, match="at least one criterion"):
        services.save_scores(
            assignment,
            people["reviewer"],
            {c.pk: (None, "") for c in _criteria(proposal)},
            submit=True,
        )
    assert not Score.objects.exists()


def test_a_review_cannot_be_submitted_twice(people, pair):
    proposal = pair[0]
    reviewer = people["reviewer"]
    assignment = _assign(proposal, reviewer, people["desk_staff"])
    scores = {c.pk: (3, "") for c in _criteria(proposal)}
    services.save_scores(assignment, reviewer, scores, submit=True)
    first = ReviewAssignment.objects.get(pk=assignment.pk).submitted_at
    changed = {c.pk: (5, "書き換え") for c in _criteria(proposal)}
    for submit in (True, False):
        with pytest.raises(services.ReviewError, match="already submitted"):
            services.save_scores(
                ReviewAssignment.objects.get(pk=assignment.pk), reviewer, changed, submit=submit
            )
    assert set(Score.objects.values_list("value", flat=True)) == {3}
    assert ReviewAssignment.objects.get(pk=assignment.pk).submitted_at == first


def test_only_the_assigned_reviewer_scores(people, pair):
    proposal = pair[0]
    assignment = _assign(proposal, people["reviewer"], people["desk_staff"])
    for who in ("other_reviewer", "desk_staff", "business"):
        with pytest.raises(services.NotPermitted):
            services.save_scores(assignment, people[who], {}, submit=False)


# --- Closing and reminding --------------------------------------------------------------------


def test_closing_the_round_stops_further_scoring(people, pair, theme):
    reviewer = people["reviewer"]
    assignment = _assign(pair[0], reviewer, people["desk_staff"])
    with pytest.raises(services.NotPermitted):
        services.close_round(theme, people["reviewer"])
    assert services.close_round(theme, people["desk_staff"]) == 1
    assert services.close_round(theme, people["desk_staff"]) == 0
    assignment.refresh_from_db()
    with pytest.raises(services.ReviewError, match="round is closed"):
        services.save_scores(
            assignment, reviewer, {c.pk: (3, "") for c in _criteria(pair[0])}, submit=True
        )
    with pytest.raises(services.ReviewError, match="review round of .* is closed"):
        services.assign_reviewers([pair[0]], [people["other_reviewer"]], people["desk_staff"])
    assert not Score.objects.exists()


def test_closing_the_round_of_some_proposals(people, pair):
    a = _assign(pair[0], people["reviewer"], people["desk_staff"])
    b = _assign(pair[1], people["reviewer"], people["desk_staff"])
    assert services.close_round([pair[0]], people["desk_manager"]) == 1
    a.refresh_from_db(), b.refresh_from_db()
    assert a.closed_at is not None and b.closed_at is None


def test_reminders_are_sent_once_and_only_for_open_unsubmitted_reviews(people, pair):
    desk = people["desk_staff"]
    late = factories.user(Role.REVIEWER, full_name="遅い 審査員")
    waiting = _assign(pair[0], late, desk)
    done = _assign(pair[0], people["reviewer"], desk)
    services.save_scores(
        done, people["reviewer"], {c.pk: (4, "") for c in _criteria(pair[0])}, submit=True
    )
    conflicted = _assign(pair[1], people["other_reviewer"], desk)
    services.declare_conflict(conflicted, people["other_reviewer"], "利害関係あり")
    fresh = _assign(pair[1], late, desk)
    week_ago = timezone.now() - dt.timedelta(days=8)
    ReviewAssignment.objects.exclude(pk=fresh.pk).update(assigned_at=week_ago)
    OutboundEmail.objects.all().delete()

    assert services.send_review_reminders() == {"reminders": 1, "emails": 1}
    mail = OutboundEmail.objects.get()
    assert mail.to == late.email and pair[0].receipt_number in mail.subject
    waiting.refresh_from_db()
    assert waiting.reminder_sent_at is not None
    assert services.send_review_reminders() == {"reminders": 0, "emails": 0}
    call_command("send_review_reminders")
    from reviews.tasks import send_review_reminders as task

    assert task() == {"reminders": 0, "emails": 0}
    assert OutboundEmail.objects.count() == 1
    # The recent assignment is reminded once its week has passed.
    later = timezone.localdate() + dt.timedelta(days=8)
    assert services.send_review_reminders(later)["reminders"] == 1
    assert services.send_review_reminders(later)["reminders"] == 0
