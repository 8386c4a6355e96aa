"""Forms and the list filter of the desk's project pages.

Forms only read and shape what was typed; every rule with business meaning (a period that
ends before it starts, an agreement dated in the future, a file that is not really a PDF, a
site already provided to another project) is decided by ``projects.services``, and the views
put the service's message on the field it concerns. So the rules live in one place, and the
admin, commands and pages give the same answers.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.dates import fiscal_year
from core.forms import AccessibleErrorsMixin, ModelChoiceById, ModelMultipleChoiceById
from core.models import Department
from proposals.states import Outcome

from .models import Field, ProcurementRoute, Project, Site, Status

#: The first fiscal year offered in the filter (the desk this is modelled on opened in 2018).
FIRST_FISCAL_YEAR = 2018
YES, NO = "yes", "no"


class DateInput(forms.DateInput):
    """A native date picker; the value is always written as YYYY-MM-DD, which it requires."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _date_field(label, *, required=False, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        help_text=help_text,
        input_formats=["%Y-%m-%d", "%Y/%m/%d"],
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD, for example 2026-04-01.")},
    )


class DeskForm(AccessibleErrorsMixin, forms.Form):
    """Base of the desk's forms: errors tied to their inputs, as ``includes/field.html`` shows."""

    def add_service_error(self, error, default_field=None, rename=None) -> None:
        """Put a ``ValidationError`` from a service on the fields it names (or on
        ``default_field``; ``rename`` maps the service's names to this form's)."""
        rename = rename or {}
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                name = rename.get(name, name)
                for message in messages:
                    self.add_error(name if name in self.fields else default_field, message)
        else:
            for message in error.messages:
                self.add_error(default_field, message)


# --- (a) the public text -------------------------------------------------------------------


class PublicTextForm(DeskForm):
    title = forms.CharField(
        label=_("Public title"),
        max_length=200,
        help_text=_("Written for citizens. Never copy confidential text from the proposal."),
        error_messages={"required": _("Write a public title.")},
    )
    summary = forms.CharField(
        label=_("Public summary"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": _("Write a public summary for citizens.")},
    )
    title_en = forms.CharField(
        label=_("Public title in English (optional)"), max_length=250, required=False
    )
    summary_en = forms.CharField(
        label=_("Public summary in English (optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
    )

    @classmethod
    def for_project(cls, project: Project, data=None):
        return cls(
            data,
            prefix="text",
            initial={
                "title": project.title_draft,
                "summary": project.summary_draft,
                "title_en": project.title_draft_en,
                "summary_en": project.summary_draft_en,
            },
        )


# --- (d) details ---------------------------------------------------------------------------


class DetailsForm(DeskForm):
    partner_name = forms.CharField(
        label=_("Partner"),
        max_length=200,
        error_messages={"required": _("Give the partner's name.")},
    )
    fields = ModelMultipleChoiceById(
        label=_("Fields"),
        queryset=Field.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    departments = ModelMultipleChoiceById(
        label=_("Departments"),
        queryset=Department.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    locations = forms.CharField(
        label=_("Locations"),
        max_length=300,
        required=False,
        help_text=_("Where the project runs, as citizens would say it."),
    )
    locations_en = forms.CharField(
        label=_("Locations in English (optional)"), max_length=300, required=False
    )
    period_start = _date_field(_("Period from"))
    period_end = _date_field(_("Period until"))
    procurement_route = forms.ChoiceField(
        label=_("Procurement route"), choices=ProcurementRoute.choices
    )

    @classmethod
    def for_project(cls, project: Project, data=None):
        return cls(
            data,
            prefix="details",
            initial={
                "partner_name": project.partner_name,
                "fields": [f.pk for f in project.fields.all()],
                "departments": [d.pk for d in project.departments.all()],
                "locations": project.locations,
                "locations_en": project.locations_en,
                "period_start": project.period_start,
                "period_end": project.period_end,
                "procurement_route": project.procurement_route,
            },
        )


# --- (e) the agreement ---------------------------------------------------------------------


class AgreementForm(DeskForm):
    """Record the agreement (date and, optionally, its PDF); once recorded, only the document
    can be added or replaced (``recording=False``)."""

    agreement_date = _date_field(_("Date of the agreement"), required=True)
    document = forms.FileField(
        label=_("Agreement document (PDF)"),
        required=False,
        help_text=_("A PDF file. It is kept privately and never published."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, recording: bool = True, **kwargs):
        kwargs.setdefault("prefix", "agreement")
        super().__init__(*args, **kwargs)
        self.recording = recording
        self.fields["agreement_date"].error_messages["required"] = _(
            "Give the date of the agreement."
        )
        if not recording:
            del self.fields["agreement_date"]
            self.fields["document"].required = True
            self.fields["document"].error_messages["required"] = _(
                "Choose the agreement's PDF file."
            )


# --- (f) start in the field, (g) complete --------------------------------------------------


class StartFieldForm(DeskForm):
    confirm = forms.BooleanField(
        label=_(
            "The agreement is concluded and the field is ready: start the project in the field now."
        ),
        error_messages={"required": _("Tick the box to confirm that the field is provided.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "start")
        super().__init__(*args, **kwargs)


class CompleteForm(DeskForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the outcome: rolled out or ended.")},
    )
    outcome_summary = forms.CharField(
        label=_("Public outcome"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("What came of the project, written for citizens."),
        error_messages={"required": _("Write the outcome for citizens.")},
    )
    outcome_summary_en = forms.CharField(
        label=_("Public outcome in English (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "complete")
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = Outcome.choices


# --- (h) field provision -------------------------------------------------------------------


class SiteChoiceField(ModelChoiceById):
    def label_from_instance(self, site: Site) -> str:
        return f"{site.name} — {site.department}"


class BookingForm(DeskForm):
    site = SiteChoiceField(
        label=_("Site"),
        empty_label=_("Choose a site"),
        queryset=Site.objects.filter(is_active=True).select_related("department"),
        error_messages={
            "required": _("Choose a site."),
            "invalid_choice": _("Choose one of the available sites."),
        },
    )
    start = _date_field(_("First day"), required=True)
    end = _date_field(_("Last day"), required=True)
    conditions = forms.CharField(
        label=_("Conditions of use"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm_overlap = forms.BooleanField(
        label=_("I have checked with the department; book anyway"), required=False
    )

    #: The bookings the service reported as overlapping (set by the view).
    conflicts: list = ()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "booking")
        super().__init__(*args, **kwargs)
        self.fields["start"].error_messages["required"] = _("Give the first day.")
        self.fields["end"].error_messages["required"] = _("Give the last day.")

    @property
    def shows_confirmation(self) -> bool:
        return bool(self.conflicts) or (self.is_bound and bool(self["confirm_overlap"].value()))


# --- (i) reports ---------------------------------------------------------------------------


class ReviewForm(DeskForm):
    ACCEPT, RETURN = "accept", "return"

    decision = forms.ChoiceField(
        choices=[(ACCEPT, _("Accept")), (RETURN, _("Return for changes"))],
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose to accept the report or return it."),
            "invalid_choice": _("Choose to accept the report or return it."),
        },
    )
    comment = forms.CharField(
        label=_("Comment for the business"),
        required=False,
        max_length=5000,
        help_text=_("Required when you return the report: say what should change."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @classmethod
    def for_report(cls, report, data=None):
        return cls(data, prefix=f"report-{report.pk}")


# --- sites ---------------------------------------------------------------------------------


class SiteForm(DeskForm):
    name = forms.CharField(
        label=_("Facility"),
        max_length=200,
        error_messages={"required": _("Give the facility's name.")},
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=300,
        error_messages={"required": _("Give the facility's address.")},
    )
    department = ModelChoiceById(
        label=_("Department in charge"),
        queryset=Department.objects.all(),
        error_messages={
            "required": _("Choose the department in charge."),
            "invalid_choice": _("Choose one of the departments."),
        },
    )
    notes = forms.CharField(
        label=_("Notes for the desk"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    is_active = forms.BooleanField(label=_("Available to provide"), required=False, initial=True)

    @classmethod
    def for_site(cls, site: Site | None, data=None):
        initial = {}
        if site is not None:
            initial = {
                "name": site.name,
                "address": site.address,
                "department": site.department_id,
                "notes": site.notes,
                "is_active": site.is_active,
            }
        return cls(data, initial=initial)


# --- the list's filter ---------------------------------------------------------------------


def _yes_no():
    return [(YES, _("Yes")), (NO, _("No"))]


def _fiscal_year_choices():
    english = (get_language() or "ja").startswith("en")
    return [
        (str(year), f"FY{year}" if english else f"{year}年度")
        for year in range(fiscal_year() + 1, FIRST_FISCAL_YEAR - 1, -1)
    ]


class DeskProjectFilter(django_filters.FilterSet):
    """The desk's project list: status, fiscal year, published, waiting for approval.

    Every choice is fixed or computed without the database, so a value that does not exist
    (``?status=nonsense``) becomes a message on the filter, never an error page.
    """

    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, empty_label=_("All")
    )
    fiscal_year = django_filters.ChoiceFilter(
        label=_("Fiscal year"),
        empty_label=_("All"),
        choices=_fiscal_year_choices,
        method="filter_fiscal_year",
    )
    published = django_filters.ChoiceFilter(
        label=_("Published"), choices=_yes_no, empty_label=_("All"), method="filter_published"
    )
    waiting = django_filters.ChoiceFilter(
        label=_("Public text waiting for approval"),
        choices=_yes_no,
        empty_label=_("All"),
        method="filter_waiting",
        help_text=_("Written, and never approved or changed since the desk manager approved it."),
    )

    class Meta:
        model = Project
        fields: tuple[str, ...] = ()

    def filter_fiscal_year(self, queryset, name, value):
        return queryset.filter(fiscal_year=int(value)) if value else queryset

    def filter_published(self, queryset, name, value):
        return queryset.filter(is_published=(value == YES)) if value else queryset

    def filter_waiting(self, queryset, name, value):
        if not value:
            return queryset
        return (
            queryset.awaiting_approval()
            if value == YES
            else queryset.exclude(pk__in=queryset.awaiting_approval().values("pk"))
        )
