"""Themed calls and presented issues.

The foundation holds only what the lifecycle needs (a proposal to a themed call must be
reviewed before adoption); the themed-calls issue adds eligibility, Q&A, documents, rubrics.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Theme(models.Model):
    class Kind(models.TextChoices):
        CALL = "call", _("Themed call")
        ISSUE = "issue", _("Presented issue")

    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("Upcoming")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CALL)
    title = models.CharField(_("title"), max_length=200)
    background = models.TextField(_("background"), blank=True)
    department = models.ForeignKey("core.Department", verbose_name=_("owning department"),
                                   on_delete=models.PROTECT, related_name="themes")
    programme = models.ForeignKey("proposals.Programme", verbose_name=_("programme"),
                                  on_delete=models.PROTECT, related_name="themes")
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")),
                                   name="theme_closes_after_opening")
        ]

    def __str__(self) -> str:
        return self.title

    def status_at(self, when=None) -> str:
        """Follows from the clock, never from a flag a job flips."""
        when = when or timezone.now()
        if when < self.opens_at:
            return self.Status.UPCOMING
        if when < self.closes_at:
            return self.Status.OPEN
        return self.Status.CLOSED
