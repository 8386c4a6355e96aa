"""The texts a business accepts at submission (留意事項, 誓約, …), versioned, and that it did."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ConsentDocument(models.Model):
    """A versioned text the business must accept at submission (留意事項, 誓約, …)."""

    class Kind(models.TextChoices):
        NOTES = "notes", _("Notes for proposers")
        ANTI_SOCIAL = "anti_social", _("Declaration of no ties to anti-social forces")
        PRIVACY = "privacy", _("Handling of personal information")
        PUBLICATION = "publication", _("Consent to publication if adopted")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    version = models.CharField(_("version"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200)
    body = models.TextField(_("text"))
    body_en = models.TextField(_("text in English"))
    effective_from = models.DateTimeField(_("effective from"), default=timezone.now)

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        ordering = ["kind", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="consent_kind_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.version})"

    @property
    def localized_title(self) -> str:
        english = (get_language() or "ja").startswith("en")
        return self.title_en if english and self.title_en else self.title

    @classmethod
    def current(cls) -> dict[str, ConsentDocument]:
        """The text of each kind in force now."""
        now = timezone.now()
        current: dict[str, ConsentDocument] = {}
        for doc in cls.objects.filter(effective_from__lte=now).order_by("kind", "-effective_from"):
            current.setdefault(doc.kind, doc)
        return current


class ProposalConsent(models.Model):
    """That a business accepted one version of a consent text, and when."""

    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.CASCADE, related_name="consents"
    )
    document = models.ForeignKey(ConsentDocument, on_delete=models.PROTECT, related_name="+")
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("accepted consent")
        verbose_name_plural = _("accepted consents")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "document"], name="consent_once")
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.document_id}"
