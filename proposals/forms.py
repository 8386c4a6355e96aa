from django import forms
from django.utils.translation import gettext_lazy as _

from .states import Outcome, State


class TransitionForm(forms.Form):
    """Carries the action and the state the user saw, so stale pages are detected."""

    action = forms.CharField(widget=forms.HiddenInput)
    expected_state = forms.ChoiceField(choices=State.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason (sent to the business)"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.ChoiceField(label=_("Outcome"), required=False,
                                choices=[("", "---------"), *Outcome.choices])
