"""Rubrics, review assignments, conflicts of interest and scores.

A rubric is a reusable set of weighted criteria on one score scale (Fukuoka's six criteria
are the default for always-open proposals). The desk assigns reviewers to proposals; a
reviewer declares a conflict (and is then excluded) or scores every criterion, abstaining
where it cannot judge. Which reviewer sees what is decided in ``core.rules``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReviewAssignment(models.Model):
    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        SUBMITTED = "submitted", _("Submitted")
        CONFLICTED = "conflicted", _("Conflict of interest")

    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.CASCADE, related_name="review_assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    conflict_declared = models.BooleanField(_("conflict of interest declared"), default=False)
    conflict_note = models.TextField(_("conflict of interest"), blank=True)
    assigned_at = models.DateTimeField(default=timezone.now)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(
        _("round closed"),
        null=True,
        blank=True,
        help_text=_("When the desk closed the review round; no scores change after it."),
    )

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "reviewer"], name="assignment_once")
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} → {self.reviewer_id}"

    @property
    def status(self) -> str:
        if self.conflict_declared:
            return self.Status.CONFLICTED
        if self.submitted_at:
            return self.Status.SUBMITTED
        return self.Status.ASSIGNED


class Score(models.Model):
    """One reviewer's score on one criterion; ``value`` is empty when the reviewer abstains."""

    assignment = models.ForeignKey(
        ReviewAssignment, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        "themes.Criterion", on_delete=models.PROTECT, related_name="scores"
    )
    value = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="score_once")
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id}/{self.criterion_id}: {self.value}"
