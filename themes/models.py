"""What the city invites proposals for: programmes, themed calls, presented issues, rubrics.

A programme (共働事業, 実証実験フルサポート, …) is a track of the desk with its own eligibility;
every proposal and every call belongs to one. A rubric is the set of weighted criteria
proposals are judged on: a call publishes its own, the default one serves always-open
proposals; the scores themselves belong to ``reviews``.

A themed call (テーマ型募集) is open for a few weeks with a question period; a presented issue
(課題提示) is a department's problem that businesses can answer. The status of either follows
from the clock (``status_at``), never from a flag a job flips.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Programme(models.Model):
    """A track of the desk (共働事業, 実証実験フルサポート, …) and its eligibility rules.

    Eligibility is data, so each programme (and each themed call) can set its own.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    allows_sole_proprietors = models.BooleanField(_("sole proprietors may propose"), default=True)
    startups_only = models.BooleanField(_("startups only"), default=False)
    review_required = models.BooleanField(
        _("scored review required before adoption"),
        default=False,
        help_text=_(
            "Themed calls always require a review; always-open proposals only if set here."
        ),
    )
    is_active = models.BooleanField(_("accepting proposals"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return (
            self.name_en
            if (get_language() or "ja").startswith("en") and self.name_en
            else self.name
        )

    def eligibility_problems(self, organization) -> list[str]:
        """Why ``organization`` may not propose in this programme (empty when it may)."""
        problems = []
        if organization is None:
            return [str(_("Individuals cannot propose; register your business first."))]
        if organization.is_sole_proprietor and not self.allows_sole_proprietors:
            problems.append(str(_("Sole proprietors cannot propose in this programme.")))
        if self.startups_only and not organization.is_startup:
            problems.append(str(_("This programme is for startups only.")))
        if not self.is_active:
            problems.append(str(_("This programme is not accepting proposals at present.")))
        return problems


class Rubric(models.Model):
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=150, blank=True)
    description = models.TextField(_("description"), blank=True)
    scale_min = models.PositiveSmallIntegerField(_("lowest score"), default=1)
    scale_max = models.PositiveSmallIntegerField(_("highest score"), default=5)
    is_default = models.BooleanField(
        _("default for always-open proposals"),
        default=False,
        help_text=_("Used when a proposal's themed call names no rubric."),
    )

    class Meta:
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scale_max__gt=models.F("scale_min")),
                name="rubric_scale_ordered",
                violation_error_message=_("The highest score must be above the lowest."),
            ),
        ]

    def __str__(self) -> str:
        return (
            self.name_en
            if (get_language() or "ja").startswith("en") and self.name_en
            else self.name
        )

    def clean(self) -> None:
        if self.pk and not self.criteria.filter(weight__gt=0).exists():
            raise ValidationError(
                _("A rubric needs at least one criterion with a weight above zero.")
            )


class Criterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=150, blank=True)
    description = models.TextField(_("what reviewers look for"), blank=True)
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["rubric", "sort_order", "pk"]

    def __str__(self) -> str:
        return (
            self.name_en
            if (get_language() or "ja").startswith("en") and self.name_en
            else self.name
        )


class Theme(models.Model):
    class Kind(models.TextChoices):
        CALL = "call", _("Themed call")
        ISSUE = "issue", _("Presented issue")

    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("Upcoming")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        ANNOUNCED = "announced", _("Results announced")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CALL)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    background = models.TextField(_("background"), blank=True)
    sought = models.TextField(_("what is sought"), blank=True)
    description_en = models.TextField(_("background and what is sought, in English"), blank=True)
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("owning department"),
        on_delete=models.PROTECT,
        related_name="themes",
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="themes"
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    questions_until = models.DateTimeField(
        _("questions until"),
        null=True,
        blank=True,
        help_text=_("End of the question period (it starts when the call opens)."),
    )
    results_announced_at = models.DateTimeField(_("results announced"), null=True, blank=True)
    allows_sole_proprietors = models.BooleanField(_("sole proprietors may propose"), default=True)
    startups_only = models.BooleanField(_("startups only"), default=False)
    planned_adoptions = models.PositiveSmallIntegerField(
        _("adoptions planned"),
        default=1,
        help_text=_("Usually one; zero is allowed, and the city may adopt none."),
    )
    rubric = models.ForeignKey(
        Rubric,
        verbose_name=_("rubric"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="themes",
    )
    is_blind = models.BooleanField(
        _("blind review"),
        default=False,
        help_text=_("Reviewers never see the business's identity or contact data."),
    )
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="theme_closes_after_opening",
            )
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
        if self.results_announced_at and when >= self.results_announced_at:
            return self.Status.ANNOUNCED
        return self.Status.CLOSED

    def is_open_at(self, when=None) -> bool:
        return self.status_at(when) == self.Status.OPEN

    def accepts_questions_at(self, when=None) -> bool:
        when = when or timezone.now()
        end = self.questions_until or self.closes_at
        return self.opens_at <= when < end

    def eligibility_problems(self, organization) -> list[str]:
        """The call's own rules, on top of its programme's."""
        problems = []
        if organization is not None:
            if organization.is_sole_proprietor and not self.allows_sole_proprietors:
                problems.append(str(_("Sole proprietors cannot propose for this call.")))
            if self.startups_only and not organization.is_startup:
                problems.append(str(_("This call is for startups only.")))
        return problems


class ThemeDocument(models.Model):
    """A published document of a call, e.g. the application guidelines (募集要項)."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(upload_to="themes/%Y/", max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("call document")
        verbose_name_plural = _("call documents")
        ordering = ["theme", "sort_order", "pk"]

    def __str__(self) -> str:
        return self.title


class ThemeQuestion(models.Model):
    """A business's question during the question period; the desk's answer is published to
    everyone without naming who asked."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="questions")
    asked_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    question = models.TextField(_("question"))
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("question about a call")
        verbose_name_plural = _("questions about calls")
        ordering = ["theme", "asked_at", "pk"]

    def __str__(self) -> str:
        return self.question[:40]
