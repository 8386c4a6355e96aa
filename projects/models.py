"""Adopted projects: what the public sees, the agreement, the field provided, the reports.

A project is created when the desk manager adopts a proposal (``projects.receivers``). The
proposal's lifecycle is the one owner of what happens after adoption (agreement, field,
completion and its outcome, each an audited transition); a project's public status is read
from it, never stored: 準備中 while the agreement is prepared, 実証中 once the field is
provided, 社会実装 or 終了 when the proposal is completed (``status_of``, and ``STATUS`` for
queries).

What citizens read is kept apart from what the business wrote: the desk writes a public
title and summary (``*_draft``); the desk manager approves them, which copies them to the
``public_*`` fields; public pages, open data and the static export read only those copies
and only of published projects. Editing the draft later never changes the public page until
the manager approves again.
"""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from proposals.states import Outcome, State


def _random_name(folder: str) -> str:
    """A random name under the private root: the original name is kept only for display."""
    return f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


def agreement_path(instance, filename: str) -> str:
    return _random_name("agreements")


def report_file_path(instance, filename: str) -> str:
    return _random_name("reports")


class Field(models.Model):
    """A policy field (分野) a project belongs to: 防災, 福祉, 交通 …"""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("name in English"), max_length=80)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("field")
        verbose_name_plural = _("fields")

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        return (
            self.name_en
            if (get_language() or "ja").startswith("en") and self.name_en
            else self.name
        )


class Status(models.TextChoices):
    PREPARING = "preparing", _("Preparing")
    DEMONSTRATING = "demonstrating", _("Demonstration under way")
    ROLLED_OUT = "rolled_out", _("Rolled out")
    ENDED = "ended", _("Ended")


def status_of(state: str, outcome: str) -> str:
    """The public status of a project whose proposal is in ``state`` (with ``outcome``)."""
    if state == State.IN_FIELD:
        return Status.DEMONSTRATING
    if state == State.COMPLETED:
        return Status.ROLLED_OUT if outcome == Outcome.ROLLED_OUT else Status.ENDED
    return Status.PREPARING


#: ``status_of`` as a database expression, so lists filter, count and sort by it.
STATUS = models.Case(
    models.When(proposal__state=State.IN_FIELD, then=models.Value(Status.DEMONSTRATING.value)),
    models.When(
        proposal__state=State.COMPLETED,
        proposal__outcome=Outcome.ROLLED_OUT,
        then=models.Value(Status.ROLLED_OUT.value),
    ),
    models.When(proposal__state=State.COMPLETED, then=models.Value(Status.ENDED.value)),
    default=models.Value(Status.PREPARING.value),
    output_field=models.CharField(),
)


class ProcurementRoute(models.TextChoices):
    NO_COST = "no_cost", _("No cost to the city")
    SINGLE_SOURCE = "single_source", _("Single-source contract")
    COMPETITIVE_PROPOSAL = "competitive_proposal", _("Competitive proposal")
    OPEN_BID = "open_bid", _("Open bid")


#: A written draft (title and summary) never approved, or changed since it was approved.
AWAITING_APPROVAL = (
    ~models.Q(title_draft="")
    & ~models.Q(summary_draft="")
    & (
        models.Q(approved_at__isnull=True)
        | ~models.Q(title_draft=models.F("public_title"))
        | ~models.Q(summary_draft=models.F("public_summary"))
        | ~models.Q(title_draft_en=models.F("public_title_en"))
        | ~models.Q(summary_draft_en=models.F("public_summary_en"))
    )
)


class ProjectQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: published, with an approved public text."""
        return self.filter(is_published=True, approved_at__isnull=False).exclude(public_title="")

    def awaiting_approval(self):
        """Projects whose written draft waits for the desk manager (``Project.awaits_approval``)."""
        return self.filter(AWAITING_APPROVAL)


class ProjectManager(models.Manager.from_queryset(ProjectQuerySet)):
    """Every project read through ``Project.objects`` carries its ``status`` from the proposal."""

    def get_queryset(self):
        return super().get_queryset().annotate(status=STATUS)


class Project(models.Model):
    """An adopted proposal as a project the city carries out with the business."""

    proposal = models.OneToOneField(
        "proposals.Proposal",
        verbose_name=_("proposal"),
        on_delete=models.PROTECT,
        related_name="project",
    )
    # --- what citizens read: drafts written by the desk, copies approved by the manager ---
    title_draft = models.CharField(_("public title (draft)"), max_length=200, blank=True)
    summary_draft = models.TextField(_("public summary (draft)"), blank=True)
    title_draft_en = models.CharField(
        _("public title in English (draft)"), max_length=250, blank=True
    )
    summary_draft_en = models.TextField(_("public summary in English (draft)"), blank=True)
    public_title = models.CharField(_("public title"), max_length=200, blank=True, editable=False)
    public_summary = models.TextField(_("public summary"), blank=True, editable=False)
    public_title_en = models.CharField(
        _("public title in English"), max_length=250, blank=True, editable=False
    )
    public_summary_en = models.TextField(_("public summary in English"), blank=True, editable=False)
    approved_at = models.DateTimeField(
        _("public text approved"), null=True, blank=True, editable=False
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # --- facts shown to the public ---
    partner_name = models.CharField(_("partner"), max_length=200)
    corporate_number = models.CharField(_("corporate number"), max_length=13, blank=True)
    programme = models.ForeignKey(
        "themes.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    fiscal_year = models.PositiveIntegerField(_("fiscal year"), db_index=True)
    departments = models.ManyToManyField(
        "core.Department", verbose_name=_("departments"), blank=True, related_name="projects"
    )
    fields = models.ManyToManyField(
        Field, verbose_name=_("fields"), blank=True, related_name="projects"
    )
    locations = models.CharField(_("locations"), max_length=300, blank=True)
    locations_en = models.CharField(_("locations in English"), max_length=300, blank=True)
    period_start = models.DateField(pgettext_lazy("period", "from"), null=True, blank=True)
    period_end = models.DateField(pgettext_lazy("period", "until"), null=True, blank=True)
    procurement_route = models.CharField(
        _("procurement route"),
        max_length=30,
        choices=ProcurementRoute.choices,
        default=ProcurementRoute.NO_COST,
    )
    outcome_summary = models.TextField(_("outcome (public)"), blank=True)
    outcome_summary_en = models.TextField(_("outcome in English (public)"), blank=True)
    # --- the agreement (協定): the document stays private ---
    agreement_date = models.DateField(_("agreement date"), null=True, blank=True)
    agreement_document = models.FileField(
        _("agreement document"), upload_to=agreement_path, blank=True, max_length=300
    )
    agreement_document_name = models.CharField(_("file name"), max_length=255, blank=True)
    # --- publication ---
    is_published = models.BooleanField(_("published"), default=False, db_index=True)
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProjectManager()

    class Meta:
        ordering = ["-fiscal_year", "-pk"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [models.Index(fields=["is_published", "fiscal_year"])]

    def __str__(self) -> str:
        return self.public_title or self.title_draft or str(self.proposal)

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The period cannot end before it starts.")})

    # --- public text, in the active language ---
    @property
    def public_id(self) -> str:
        """The identifier in open data and on the public page: P-000042."""
        return f"P-{self.pk:06d}"

    def _localized(self, ja: str, en: str) -> str:
        return en if (get_language() or "ja").startswith("en") and en else ja

    @property
    def display_title(self) -> str:
        return self._localized(self.public_title, self.public_title_en)

    @property
    def display_summary(self) -> str:
        return self._localized(self.public_summary, self.public_summary_en)

    @property
    def display_outcome(self) -> str:
        return self._localized(self.outcome_summary, self.outcome_summary_en)

    @property
    def display_locations(self) -> str:
        return self._localized(self.locations, self.locations_en)

    @property
    def has_approved_text(self) -> bool:
        return bool(self.approved_at and self.public_title)

    @property
    def has_draft(self) -> bool:
        return bool(self.title_draft and self.summary_draft)

    @property
    def awaits_approval(self) -> bool:
        """A written draft the manager has not approved yet (as ``AWAITING_APPROVAL``); a text
        not written yet waits for the desk, not for the manager."""
        return self.has_draft and (self.approved_at is None or self.draft_differs)

    @property
    def draft_fingerprint(self) -> str:
        """Identifies the saved draft: the manager's approval names the draft they read."""
        text = "\x1f".join(
            [self.title_draft, self.summary_draft, self.title_draft_en, self.summary_draft_en]
        )
        return hashlib.sha256(text.encode()).hexdigest()[:20]

    @property
    def draft_differs(self) -> bool:
        """The desk changed the public text since the manager last approved it."""
        return (
            self.title_draft,
            self.summary_draft,
            self.title_draft_en,
            self.summary_draft_en,
        ) != (self.public_title, self.public_summary, self.public_title_en, self.public_summary_en)

    # --- the status: read from the proposal's lifecycle, never stored ---
    @property
    def status(self) -> str:
        """準備中, 実証中, 社会実装 or 終了 (``Status``), as the proposal's state says."""
        proposal = self._state.fields_cache.get("proposal")
        if proposal is None and "_status" in self.__dict__:
            return self.__dict__["_status"]  # read with the row (``Project.objects``)
        proposal = proposal or self.proposal
        return status_of(proposal.state, proposal.outcome)

    @status.setter
    def status(self, value: str) -> None:
        # Django sets the ``status`` annotation of ``Project.objects`` here.
        self.__dict__["_status"] = value

    def get_status_display(self) -> str:
        return str(Status(self.status).label)

    def refresh_from_db(self, *args, **kwargs):
        self.__dict__.pop("_status", None)
        super().refresh_from_db(*args, **kwargs)


class Site(models.Model):
    """A place the city can provide: a facility, a road, a school, a park …"""

    name = models.CharField(_("facility"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("department in charge"),
        on_delete=models.PROTECT,
        related_name="sites",
    )
    notes = models.TextField(_("notes for the desk"), blank=True)
    is_active = models.BooleanField(_("available"), default=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self) -> str:
        return self.name


class SiteBookingQuerySet(models.QuerySet):
    def overlapping(self, site, start, end):
        """Bookings of ``site`` whose period shares at least one day with start–end."""
        return self.filter(site=site, start__lte=end, end__gte=start)


class SiteBooking(models.Model):
    """A site provided to a project for a period, with its conditions (フィールド提供)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="bookings"
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="bookings"
    )
    start = models.DateField(pgettext_lazy("period", "from"))
    end = models.DateField(pgettext_lazy("period", "until"))
    conditions = models.TextField(_("conditions of use"), blank=True)
    overlap_confirmed = models.BooleanField(
        _("overlap accepted"),
        default=False,
        help_text=_(
            "The desk was warned that another project uses the site at the same time "
            "and booked it anyway."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = SiteBookingQuerySet.as_manager()

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("site booking")
        verbose_name_plural = _("site bookings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="booking_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.start}–{self.end}"


class ReportState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for changes")


class Report(ConcurrentTransitionMixin, models.Model):
    """A progress or final report from the business, reviewed by the desk."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("Progress report")
        FINAL = "final", _("Final report")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="reports"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    body = models.TextField(_("report"))
    state = FSMField(
        _("state"), default=ReportState.SUBMITTED, choices=ReportState.choices, protected=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_comment = models.TextField(_("comment from the desk"), blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        # The day in Japan: before 09:00 JST the UTC date is the day before.
        return f"{self.get_kind_display()} ({timezone.localtime(self.submitted_at):%Y-%m-%d})"

    @transition(state, source=ReportState.SUBMITTED, target=ReportState.ACCEPTED)
    def accept(self):
        """The desk accepts the report."""

    @transition(state, source=ReportState.SUBMITTED, target=ReportState.RETURNED)
    def return_for_changes(self):
        """The desk asks the business to change and send the report again."""


class ReportFigure(models.Model):
    """One measured figure in a report: 利用者数 1,234 人."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="figures")
    label = models.CharField(_("what was measured"), max_length=100)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.label}: {self.display_value} {self.unit}".strip()

    @property
    def display_value(self) -> str:
        """As the business wrote the number: 1,234 and 4.5, not 1234.00 and 4.50."""
        return f"{self.value.normalize():,f}"


class ReportAttachment(models.Model):
    """A file attached to a report, checked by content like a proposal's files."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=report_file_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name
