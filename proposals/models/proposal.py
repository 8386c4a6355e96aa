"""The proposal and its lifecycle.

The lifecycle is declared here with django-fsm-2 and changed only through
``proposals.services.transition_proposal``. Who may take each transition is decided in
``core.rules``; the transition methods only declare sources, targets and conditions.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from core import rules
from themes.selectors import closing_message

from ..states import BUSINESS_LABELS, CityCost, Kind, Outcome, State
from .consents import ConsentDocument

OPEN = [State.SUBMITTED, State.DIALOGUE, State.REVISION_REQUESTED, State.COORDINATION, State.REVIEW]


def _may(action: str):
    """The FSM permission for ``action``: asks the one rules module."""

    def permission(instance: Proposal, user) -> bool:
        return rules.may_transition(user, instance, action)

    permission.__name__ = f"may_{action}"
    return permission


class ReceiptSequence(models.Model):
    """The last receipt number used in a fiscal year; incremented atomically."""

    fiscal_year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.fiscal_year}: {self.last_number}"


class Proposal(ConcurrentTransitionMixin, models.Model):
    """A consultation or proposal from a business, and where it stands."""

    CONFIDENTIAL_CHOICES = [
        ("summary", _("Summary")),
        ("problem", _("Problem it solves")),
        ("solution", _("Proposed solution")),
        ("expected_effect", _("Expected effect")),
        ("city_cost_detail", _("Cost to the city")),
        ("schedule", _("Schedule")),
        ("desired_location", _("Desired field or location")),
        ("attachments", _("Attachments")),
    ]

    state = FSMField(
        _("state"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True
    )
    receipt_number = models.CharField(
        _("receipt number"), max_length=20, unique=True, null=True, blank=True, editable=False
    )
    fiscal_year = models.PositiveIntegerField(
        _("fiscal year"), null=True, blank=True, editable=False, db_index=True
    )
    organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="proposals_created",
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead at the desk"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals_led",
    )
    theme = models.ForeignKey(
        "themes.Theme",
        verbose_name=_("themed call or presented issue"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
    )

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PROPOSAL)
    programme = models.ForeignKey(
        "themes.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    problem = models.TextField(_("problem it solves"), blank=True)
    solution = models.TextField(_("proposed solution"), blank=True)
    expected_effect = models.TextField(_("expected effect"), blank=True)

    ask_field = models.BooleanField(_("a field (facility, road, school, …)"), default=False)
    ask_data = models.BooleanField(_("city data"), default=False)
    ask_publicity = models.BooleanField(_("publicity by the city"), default=False)
    ask_deregulation = models.BooleanField(_("deregulation or a rule change"), default=False)
    ask_other = models.CharField(_("other request"), max_length=300, blank=True)

    city_cost = models.CharField(
        _("cost to the city"), max_length=20, choices=CityCost.choices, default=CityCost.NONE
    )
    city_cost_detail = models.TextField(_("cost details"), blank=True)
    desired_departments = models.ManyToManyField(
        "core.Department",
        verbose_name=_("desired departments"),
        blank=True,
        related_name="desired_by_proposals",
    )
    desired_location = models.CharField(_("desired field or location"), max_length=300, blank=True)
    schedule = models.TextField(_("schedule"), blank=True)
    desired_start = models.DateField(_("desired start"), null=True, blank=True)
    desired_end = models.DateField(_("desired end"), null=True, blank=True)

    confidential_fields = models.JSONField(
        _("parts the business marks confidential"),
        default=list,
        blank=True,
        help_text=_("Names of the parts the business asks the city to withhold."),
    )

    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    submitted_at = models.DateTimeField(_("received"), null=True, blank=True)
    first_response_at = models.DateTimeField(
        _("first response"),
        null=True,
        blank=True,
        help_text=_("When the desk first answered the business (the duty to answer)."),
    )
    search_text = models.TextField(
        editable=False,
        blank=True,
        default="",
        help_text="Lower-cased receipt number, title and summary, for the inbox's keyword search.",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-submitted_at", "-created_at"]
        indexes = [
            models.Index(fields=["organization", "state"]),
            # The lists' default order, newest first.
            models.Index(
                fields=["-submitted_at", "-created_at", "-id"], name="proposal_newest_first"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(desired_end__isnull=True)
                | models.Q(desired_start__isnull=True)
                | models.Q(desired_end__gte=models.F("desired_start")),
                name="proposal_desired_period_ordered",
                violation_error_message=_("The desired end must be on or after the desired start."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.receipt_number or _('(draft)')} {self.title}"

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"title", "summary", "receipt_number"} & set(
            update_fields
        ):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def build_search_text(self) -> str:
        """What the inbox's keyword search looks in (plus the organisation's name, joined)."""
        return " ".join(filter(None, [self.receipt_number, self.title, self.summary])).lower()

    def clean(self) -> None:
        allowed = {name for name, _label in self.CONFIDENTIAL_CHOICES}
        unknown = [name for name in (self.confidential_fields or []) if name not in allowed]
        if not isinstance(self.confidential_fields, list) or unknown:
            raise ValidationError(
                {"confidential_fields": _("Choose the confidential parts from the list.")}
            )

    # --- labels -----------------------------------------------------------------------------
    @property
    def internal_label(self) -> str:
        return State(self.state).label

    @property
    def business_label(self) -> str:
        return str(BUSINESS_LABELS[State(self.state)])

    # --- conditions -------------------------------------------------------------------------
    @property
    def requires_review(self) -> bool:
        """Themed calls always need a scored review; always-open ones only if the programme says."""
        return bool(self.theme_id) or self.programme.review_required

    def is_proposal(self) -> bool:
        return self.kind == Kind.PROPOSAL

    def is_consultation(self) -> bool:
        return self.kind == Kind.CONSULTATION

    def review_not_required(self) -> bool:
        return self.is_proposal() and not self.requires_review

    def is_complete_for_submission(self) -> bool:
        return not self.submission_problems()

    def submission_problems(self, when=None) -> list[str]:
        """Everything that stops this draft from being submitted, in the user's language.

        ``when`` is the moment of submission (the request's arrival; default now): a themed
        call accepts proposals submitted before its closing second.
        """
        problems: list[str] = []
        if not self.title.strip():
            problems.append(str(_("Enter a title.")))
        if not self.summary.strip():
            problems.append(str(_("Enter a summary.")))
        if self.is_proposal():
            if not self.problem.strip():
                problems.append(str(_("Describe the problem the proposal solves.")))
            if not self.solution.strip():
                problems.append(str(_("Describe the proposed solution.")))
        problems.extend(self.programme.eligibility_problems(self.organization))
        if self.theme_id:
            problems.extend(self.theme.eligibility_problems(self.organization))
            when = when or getattr(self, "_submission_time", None) or timezone.now()
            if when >= self.theme.closes_at:
                problems.append(closing_message(self.theme))
        if self.pk:
            accepted = {c.document_id for c in self.consents.all()}
            for doc in self._consents_in_force().values():
                if doc.pk not in accepted:
                    problems.append(
                        str(
                            _("Accept the current text: %(title)s") % {"title": doc.localized_title}
                        )
                    )
        return problems

    def _consents_in_force(self) -> dict:
        """The consent texts in force; read once per submission (django-fsm checks the
        conditions twice: before the transition and while taking it)."""
        moment = getattr(self, "_submission_time", None)
        if moment is None:
            return ConsentDocument.current()
        kept = getattr(self, "_consents_kept", None)
        if kept is None or kept[0] != moment:
            kept = self._consents_kept = (moment, ConsentDocument.current())
        return kept[1]

    # --- transitions ------------------------------------------------------------------------
    # Bodies are empty on purpose: the service sets receipt numbers, reasons and dates, and
    # writes the log in the same transaction.
    @transition(
        state,
        source=State.DRAFT,
        target=State.SUBMITTED,
        conditions=[is_complete_for_submission],
        permission=_may("submit"),
    )
    def submit(self):
        """The business sends its draft; the desk receives it (受付)."""

    @transition(
        state, source=State.SUBMITTED, target=State.DIALOGUE, permission=_may("start_dialogue")
    )
    def start_dialogue(self):
        """The desk opens a dialogue with the business."""

    @transition(
        state,
        source=State.DIALOGUE,
        target=State.REVISION_REQUESTED,
        permission=_may("request_revision"),
    )
    def request_revision(self):
        """The desk asks the business for more information."""

    @transition(
        state, source=State.REVISION_REQUESTED, target=State.DIALOGUE, permission=_may("resubmit")
    )
    def resubmit(self):
        """The business answers the request and sends the proposal back."""

    @transition(
        state,
        source=State.DIALOGUE,
        target=State.COORDINATION,
        permission=_may("start_coordination"),
    )
    def start_coordination(self):
        """The desk consults the city's departments (関係部局調整)."""

    @transition(
        state,
        source=State.COORDINATION,
        target=State.DIALOGUE,
        permission=_may("return_to_dialogue"),
    )
    def return_to_dialogue(self):
        """Coordination raised questions: back to dialogue with the business."""

    @transition(
        state,
        source=State.COORDINATION,
        target=State.REVIEW,
        conditions=[is_proposal],
        permission=_may("start_review"),
    )
    def start_review(self):
        """Reviewers score the proposal against the rubric."""

    @transition(
        state,
        source=State.REVIEW,
        target=State.ADOPTED,
        conditions=[is_proposal],
        permission=_may("adopt"),
    )
    @transition(
        state,
        source=State.COORDINATION,
        target=State.ADOPTED,
        conditions=[review_not_required],
        permission=_may("adopt"),
    )
    def adopt(self):
        """The desk manager adopts the proposal (採択), with reasons."""

    @transition(
        state,
        source=[State.DIALOGUE, State.COORDINATION, State.REVIEW],
        target=State.DECLINED,
        conditions=[is_proposal],
        permission=_may("decline"),
    )
    def decline(self):
        """The desk manager declines the proposal (不採択), with reasons."""

    @transition(
        state,
        source=[State.SUBMITTED, State.DIALOGUE],
        target=State.NOT_ACCEPTED,
        permission=_may("not_accept"),
    )
    def not_accept(self):
        """Outside what the desk takes (受付対象外), with reasons."""

    @transition(
        state,
        source=[State.SUBMITTED, State.DIALOGUE, State.REVISION_REQUESTED, State.COORDINATION],
        target=State.CONSULTATION_CLOSED,
        conditions=[is_consultation],
        permission=_may("close_consultation"),
    )
    def close_consultation(self):
        """A consultation that needed no decision is closed (相談終了)."""

    @transition(
        state, source=State.ADOPTED, target=State.AGREEMENT, permission=_may("conclude_agreement")
    )
    def conclude_agreement(self):
        """The agreement (協定) with the business is concluded."""

    @transition(
        state, source=State.AGREEMENT, target=State.IN_FIELD, permission=_may("start_field")
    )
    def start_field(self):
        """The city provides the field; the project or demonstration runs."""

    @transition(state, source=State.IN_FIELD, target=State.COMPLETED, permission=_may("complete"))
    def complete(self):
        """The project ends, rolled out (社会実装) or ended."""

    @transition(state, source=OPEN, target=State.WITHDRAWN, permission=_may("withdraw"))
    def withdraw(self):
        """The business withdraws its proposal (取下げ), with a reason."""
