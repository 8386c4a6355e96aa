"""The desk's own records: reason templates for decisions and export jobs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReasonTemplate(models.Model):
    """Wording the desk starts from when it writes a decision's reasons (editable in the admin)."""

    action = models.CharField(
        _("decision"),
        max_length=20,
        choices=[
            ("adopt", _("Adopt")),
            ("decline", _("Decline")),
            ("not_accept", _("Not accept")),
            ("request_revision", _("Request more information")),
            ("withdraw", _("Withdraw")),
        ],
    )
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"))
    is_active = models.BooleanField(_("in use"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("reason template")
        verbose_name_plural = _("reason templates")
        ordering = ["action", "sort_order", "pk"]

    def __str__(self) -> str:
        return self.title


class ExportJob(models.Model):
    """A CSV export of the inbox too large to build during the request: a Celery job builds it
    and the page shows its progress, then a download link."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    query = models.JSONField(default=dict, help_text="The inbox filter, as its GET parameters.")
    selected_ids = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    #: Written by the running job after every chunk: a job whose heartbeat stopped (its worker
    #: was killed) is marked failed by ``fail_stalled_exports`` and can be retried.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        return int(self.processed * 100 / self.total) if self.total else 0
