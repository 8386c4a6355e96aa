"""Forms of the reviews pages. The rules (scale, completeness, submitting once) are checked by
``reviews.services``; the forms only carry what was typed, so a refusal keeps it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core import people
from core.forms import ModelMultipleChoiceById
from proposals.models import Proposal

ABSTAIN = "abstain"


class ScoreForm(forms.Form):
    """One score (or an abstention) and a comment per criterion of the rubric."""

    def __init__(self, *args, rubric, criteria, scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rubric = rubric
        self.criteria = list(criteria)
        scores = scores or {}
        choices = (
            [("", _("— choose —"))]
            + [(str(v), str(v)) for v in range(rubric.scale_min, rubric.scale_max + 1)]
            + [(ABSTAIN, _("Abstain (cannot judge)"))]
        )
        for criterion in self.criteria:
            score = scores.get(criterion.pk)
            initial = ""
            if score is not None:
                initial = ABSTAIN if score.value is None else str(score.value)
            # A CharField, not a ChoiceField: a value outside the scale reaches the service,
            # which says what the scale is.
            self.fields[f"value_{criterion.pk}"] = forms.CharField(
                label=str(criterion),
                required=False,
                initial=initial,
                help_text=criterion.description,
                widget=forms.Select(choices=choices),
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on “%(criterion)s”") % {"criterion": criterion},
                required=False,
                initial=score.comment if score is not None else "",
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def rows(self):
        for criterion in self.criteria:
            yield criterion, self[f"value_{criterion.pk}"], self[f"comment_{criterion.pk}"]

    def scores(self) -> dict:
        """``{criterion_id: (value or None, comment)}`` for the service; criteria left on
        "choose" are not included (not yet scored)."""
        result = {}
        for criterion in self.criteria:
            raw = (self.cleaned_data.get(f"value_{criterion.pk}") or "").strip()
            comment = self.cleaned_data.get(f"comment_{criterion.pk}") or ""
            if raw == ABSTAIN:
                result[criterion.pk] = (None, comment)
            elif raw:
                result[criterion.pk] = (raw, comment)
        return result


class ConflictForm(forms.Form):
    note = forms.CharField(
        label=_("What is the conflict of interest?"),
        max_length=2000,
        help_text=_(
            "For example: you advise the business, or work for a competitor. The desk "
            "reads this; you will no longer see the proposal."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AssignForm(forms.Form):
    proposals = ModelMultipleChoiceById(
        label=_("Proposals"),
        queryset=Proposal.objects.exclude(state="draft"),
        widget=forms.MultipleHiddenInput,
        error_messages={"required": _("Choose at least one proposal.")},
    )
    reviewers = ModelMultipleChoiceById(
        label=_("Reviewers"),
        queryset=people.reviewers(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one reviewer.")},
    )


def reviewer_choices():
    return people.reviewers()
