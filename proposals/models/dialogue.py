"""The dialogue between the business and the desk, and every file attached to a proposal."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _attachment_path(instance, filename: str) -> str:
    """A random name under the private root: the original name is kept only for display."""
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Message(models.Model):
    """One message in a proposal's dialogue.

    ``visibility`` decides who reads it: the business and the desk, or the desk only
    (internal notes). Departments and reviewers read neither.
    """

    class Visibility(models.TextChoices):
        BUSINESS = "business", _("Shared with the business")
        INTERNAL = "internal", _("Internal (desk only)")

    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"))
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.BUSINESS
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.body[:30]}"

    @property
    def from_business(self) -> bool:
        """Written by the proposing business (only it and the desk write in a dialogue, and
        only business members belong to an organisation)."""
        return self.author.organization_id is not None


class Attachment(models.Model):
    """A file attached to a proposal, or to one of its messages.

    Stored under a random name outside the static and media roots; served only through a
    view that asks ``core.rules``.
    """

    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.CASCADE, related_name="attachments"
    )
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
