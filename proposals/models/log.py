"""The append-only log of every change of a proposal's state."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..states import BUSINESS_LABELS, State


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The transition log is append-only.")

    def delete(self):
        raise PermissionError("The transition log is append-only.")


class ProposalTransition(models.Model):
    """One change of state: who, when, from, to and why. Never changed, never deleted.

    The database refuses UPDATE and DELETE too (triggers in the migration), so not even a
    bug or a shell session can rewrite history.
    """

    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.PROTECT, related_name="transitions"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    action = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("from"), max_length=30, choices=State.choices)
    to_state = models.CharField(_("to"), max_length=30, choices=State.choices)
    reason = models.TextField(_("reason"), blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.from_state} → {self.to_state}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The transition log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The transition log is append-only.")

    #: Actions whose note is written for (or by) the business; other notes are internal.
    BUSINESS_NOTE_ACTIONS = frozenset({"submit", "request_revision", "resubmit", "withdraw"})

    @property
    def business_note(self) -> str:
        return self.note if self.action in self.BUSINESS_NOTE_ACTIONS else ""

    @property
    def to_business_label(self) -> str:
        return str(BUSINESS_LABELS[State(self.to_state)])
