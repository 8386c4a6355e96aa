"""Forms of the proposal pages: the intake steps, the dialogue and the lifecycle actions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core import uploads
from core.forms import AccessibleErrorsMixin, ModelChoiceById, ModelMultipleChoiceById
from core.idempotency import IdempotentFormMixin
from core.models import Department
from themes.models import Programme

from .models import ConsentDocument, Proposal
from .states import Outcome, State


class TransitionForm(forms.Form):
    """Carries the action and the state the user saw, so stale pages are detected."""

    action = forms.CharField(widget=forms.HiddenInput)
    expected_state = forms.ChoiceField(choices=State.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason (sent to the business)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", "---------"), *Outcome.choices]
    )
    confirm = forms.BooleanField(required=False)

    #: Actions that cannot be undone and that the business takes itself: it confirms them.
    CONFIRMED_ACTIONS = frozenset({"withdraw"})

    def clean(self):
        data = super().clean()
        if data.get("action") in self.CONFIRMED_ACTIONS and not data.get("confirm"):
            self.add_error(
                "confirm", _("Tick the box to confirm: a withdrawn proposal cannot be reopened.")
            )
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one ``<input type=file multiple>``; checked one by one later."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _limits_text() -> str:
    return uploads.limits_text()


def _accept() -> str:
    return uploads.accept_attribute()


class EligibilityMixin:
    """The organisation must be eligible for the chosen programme (rules are data on it)."""

    organization = None

    def clean_programme(self):
        programme = self.cleaned_data["programme"]
        problems = programme.eligibility_problems(self.organization)
        if problems:
            raise forms.ValidationError(problems)
        return programme


class StartForm(IdempotentFormMixin, EligibilityMixin, AccessibleErrorsMixin, forms.Form):
    """The first questions: what kind of request, in which programme, and its title."""

    kind = forms.ChoiceField(
        label=_("What would you like to do?"),
        widget=forms.RadioSelect,
        choices=[
            ("proposal", _("Make a proposal")),
            ("consultation", _("Ask for a consultation first (no decision needed)")),
        ],
        initial="proposal",
        help_text=_(
            "Not sure yet? Choose a consultation: the desk will talk it through with "
            "you, and you can still make a proposal later."
        ),
    )
    programme = ModelChoiceById(
        label=_("Programme"),
        queryset=Programme.objects.filter(is_active=True),
        widget=forms.RadioSelect,
        empty_label=None,
        help_text=_("If several fit, choose the closest one; the desk can change it with you."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_(
            "One line that says what you propose, e.g. “AI on-demand buses for elderly "
            "residents in hilly districts”."
        ),
    )

    def __init__(self, *args, organization=None, theme=None, **kwargs):
        self.organization = organization
        self.theme = theme
        super().__init__(*args, **kwargs)
        if theme is not None:
            # A themed call decides the programme; its own eligibility applies on top.
            field = self.fields["programme"]
            field.queryset = Programme.objects.filter(pk=theme.programme_id)
            field.initial = theme.programme_id
            field.disabled = True
            field.help_text = _("Set by the call.")

    def clean_programme(self):
        programme = super().clean_programme()
        if self.theme is not None:
            problems = self.theme.eligibility_problems(self.organization)
            if problems:
                raise forms.ValidationError(problems)
        return programme


class ContentForm(EligibilityMixin, AccessibleErrorsMixin, forms.ModelForm):
    class Meta:
        model = Proposal
        fields = ["kind", "programme", "title", "summary", "problem", "solution", "expected_effect"]
        widgets = {
            "kind": forms.RadioSelect,
            "programme": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "problem": forms.Textarea(attrs={"rows": 5}),
            "solution": forms.Textarea(attrs={"rows": 6}),
            "expected_effect": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "summary": _(
                "Three or four sentences a busy reader understands: what, for whom, and why now."
            ),
            "problem": _("The social or administrative problem, who has it, and how you know."),
            "solution": _(
                "What you will do, with which technology or know-how, and what you "
                "have already tried."
            ),
            "expected_effect": _("What changes if it works, with numbers where you can."),
        }

    def __init__(self, *args, organization=None, **kwargs):
        self.organization = organization
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.filter(is_active=True)
        self.fields["programme"].empty_label = None
        self.fields["kind"].choices = [c for c in self.fields["kind"].choices if c[0]]
        if self.instance.pk and self.instance.state != State.DRAFT:
            self.fields["programme"].disabled = True
            self.fields["kind"].disabled = True
        if self.instance.theme_id:
            # A proposal to a call is in the call's programme.
            self.fields["programme"].disabled = True
            self.fields["programme"].help_text = _("Set by the call.")


class RequestsForm(AccessibleErrorsMixin, forms.ModelForm):
    desired_departments = ModelMultipleChoiceById(
        label=_("Departments you would like to work with (optional)"),
        queryset=Department.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Leave empty if you do not know: finding the right departments is the desk's job."
        ),
    )

    class Meta:
        model = Proposal
        fields = [
            "ask_field",
            "ask_data",
            "ask_publicity",
            "ask_deregulation",
            "ask_other",
            "city_cost",
            "city_cost_detail",
            "desired_location",
            "desired_start",
            "desired_end",
            "schedule",
        ]
        widgets = {
            "city_cost": forms.RadioSelect,
            "city_cost_detail": forms.Textarea(attrs={"rows": 3}),
            "schedule": forms.Textarea(attrs={"rows": 3}),
            "desired_start": forms.DateInput(attrs={"type": "date"}),
            "desired_end": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "city_cost_detail": _("If the city would pay anything, what and roughly how much."),
            "desired_location": _(
                "A facility, road, school, district or data set, if you have one in mind."
            ),
            "schedule": _("Preparation, the demonstration itself and reporting, roughly."),
            "desired_start": _("Year-month-day, e.g. 2027-04-01."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city_cost"].choices = [c for c in self.fields["city_cost"].choices if c[0]]
        # Departments belong with what is asked of the city, before cost and schedule.
        self.order_fields(
            [
                "ask_field",
                "ask_data",
                "ask_publicity",
                "ask_deregulation",
                "ask_other",
                "desired_departments",
                "desired_location",
            ]
        )
        if self.instance.pk:
            self.fields["desired_departments"].initial = list(
                self.instance.desired_departments.values_list("pk", flat=True)
            )


class AttachmentsForm(AccessibleErrorsMixin, forms.Form):
    files = MultipleFileField(label=_("Add files"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _limits_text()
        self.fields["files"].widget.attrs["accept"] = _accept()


class ConsentsForm(AccessibleErrorsMixin, forms.Form):
    confidential_fields = forms.MultipleChoiceField(
        label=_("Parts you consider confidential (optional)"),
        choices=Proposal.CONFIDENTIAL_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Proposals are public records under the information disclosure ordinance. "
            "The parts you mark here are withheld where releasing them would harm your "
            "business, and are never published."
        ),
    )

    def __init__(self, *args, documents=(), accepted=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = list(documents)
        for document in self.documents:
            self.fields[f"consent_{document.kind}"] = forms.BooleanField(
                label=_("I have read and agree: %(title)s (version %(version)s)")
                % {"title": document.localized_title, "version": document.version},
                required=False,
                initial=document.pk in accepted,
            )

    def consent_fields(self):
        return [(document, self[f"consent_{document.kind}"]) for document in self.documents]

    def accepted_kinds(self) -> list[str]:
        return [d.kind for d in self.documents if self.cleaned_data.get(f"consent_{d.kind}")]


class MessageForm(IdempotentFormMixin, AccessibleErrorsMixin, forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )
    files = MultipleFileField(label=_("Attach files (optional)"), required=False)
    visibility = forms.ChoiceField(
        label=_("Who reads it"),
        required=False,
        widget=forms.RadioSelect,
        choices=[
            ("business", _("The business and the desk")),
            ("internal", _("The desk only (internal note)")),
        ],
        initial="business",
    )

    def __init__(self, *args, allow_internal=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _limits_text()
        self.fields["files"].widget.attrs["accept"] = _accept()
        if not allow_internal:
            del self.fields["visibility"]

    def clean_visibility(self):
        return self.cleaned_data.get("visibility") or "business"


def consent_documents():
    """The texts in force, in the order of ConsentDocument.Kind (notes first)."""
    current = ConsentDocument.current()
    return [current[kind] for kind in ConsentDocument.Kind.values if kind in current]
