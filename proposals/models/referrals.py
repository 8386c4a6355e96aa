"""Referrals: the desk asks a department about a proposal (関係部局照会) and they talk."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Referral(models.Model):
    """The desk asks a department about a proposal (関係部局照会), with a deadline.

    The department answers once with an opinion and a comment; until then it may ask the
    desk questions (``ReferralMessage``).
    """

    class Opinion(models.TextChoices):
        SUPPORTIVE = "supportive", _("Supportive")
        CONDITIONAL = "conditional", _("Supportive with conditions")
        NOT_FEASIBLE = "not_feasible", _("Not feasible")
        NEEDS_INFO = "needs_info", _("Needs more information")

    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.CASCADE, related_name="referrals"
    )
    department = models.ForeignKey(
        "core.Department", on_delete=models.PROTECT, related_name="referrals"
    )
    question = models.TextField(_("question"))
    due_date = models.DateField(_("answer by"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    opinion = models.CharField(_("opinion"), max_length=20, choices=Opinion.choices, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    overdue_notice_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("referral to a department")
        verbose_name_plural = _("referrals to departments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["department", "answered_at", "due_date"])]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "department"], name="referral_once")
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} → {self.department}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return not self.is_answered and self.due_date < today


class ReferralMessage(models.Model):
    """A question from the department to the desk about a referral, or the desk's answer."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("referral message")
        verbose_name_plural = _("referral messages")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.body[:30]}"

    @property
    def from_department(self) -> bool:
        """Written by the referred department (only it and the desk write here, and only
        department members belong to a department)."""
        return self.author.department_id is not None
