"""Reads of reviews that pages share; what each user gets is decided by ``core.rules``.

``review_panel`` is the review part of the shared proposal page (registered with
``proposals.panels`` in ``ReviewsConfig.ready``): the desk gets a link to every review with the
aggregate line, the assigned reviewer a link to its scoring form.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch

from core import rules

from . import aggregates
from .models import ReviewAssignment, Score
from .services import rubric_for


def assignments_for_reviewer(user):
    """The reviewer's own assignments without a declared conflict, newest first."""
    if not rules.can_use_reviewer_portal(user):
        return ReviewAssignment.objects.none()
    return (
        ReviewAssignment.objects.filter(reviewer=user, conflict_declared=False)
        .exclude(proposal__state="draft")
        .select_related("proposal__theme", "proposal__programme")
        .annotate(score_count=Count("scores"))
        .order_by("submitted_at", "-assigned_at", "-pk")
    )


def reviewer_assignment(user, pk: int) -> ReviewAssignment | None:
    """One assignment of ``user`` that it may open (no conflict, proposal visible), or None."""
    assignment = (
        ReviewAssignment.objects.filter(pk=pk)
        .select_related(
            "proposal__organization", "proposal__programme", "proposal__theme__rubric", "reviewer"
        )
        .first()
    )
    if assignment is None or not user.is_authenticated or assignment.reviewer_id != user.pk:
        return None
    if assignment.conflict_declared or not rules.can_view_proposal(user, assignment.proposal):
        return None
    return assignment


def assignments_of_proposal(proposal):
    return (
        ReviewAssignment.objects.filter(proposal=proposal)
        .select_related("reviewer", "assigned_by")
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=Score.objects.select_related("criterion").order_by(
                    "criterion__sort_order", "criterion_id"
                ),
            )
        )
        .order_by("assigned_at", "pk")
    )


def review_panel(user, proposal) -> dict | None:
    """What the shared proposal page shows ``user`` about reviews, or None for anyone with
    nothing to see. The template is ``reviews/_panel.html``."""
    if proposal.state == "draft" or not rules.can_view_proposal(user, proposal):
        return None
    if rules.can_manage_reviews(user):
        return {
            "desk": True,
            "aggregate": aggregates.aggregate_for(proposal),
            "rubric": rubric_for(proposal),
        }
    if rules.can_use_reviewer_portal(user):
        assignment = ReviewAssignment.objects.filter(
            proposal=proposal, reviewer=user, conflict_declared=False
        ).first()
        if assignment is not None:
            return {"desk": False, "assignment": assignment}
    return None
