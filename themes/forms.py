"""Forms of the call pages: the desk's theme form, documents, questions and answers."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import AccessibleErrorsMixin

from .models import Programme, Rubric, Theme
from .services import MAX_QUESTION_LENGTH, THEME_FIELDS, period_errors

DATETIME_FORMATS = [
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
]


class JapanDateTimeInput(forms.DateTimeInput):
    """``<input type=datetime-local>``; without JavaScript or support it is a text box that
    accepts ``2026-12-01 17:00``. Times are Japan time (the site's time zone)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _datetime_field(field, **kwargs):
    return forms.DateTimeField(
        label=field.verbose_name,
        required=not field.blank,
        widget=JapanDateTimeInput,
        input_formats=DATETIME_FORMATS,
        help_text=kwargs.get("help_text", field.help_text),
    )


class ThemeForm(AccessibleErrorsMixin, forms.ModelForm):
    class Meta:
        model = Theme
        fields = list(THEME_FIELDS)
        widgets = {
            "kind": forms.RadioSelect,
            "background": forms.Textarea(attrs={"rows": 5}),
            "sought": forms.Textarea(attrs={"rows": 5}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

        hint = _("Japan time, e.g. 2026-12-01 17:00.")
        for name in ("opens_at", "closes_at", "questions_until", "results_announced_at"):
            model_field = Theme._meta.get_field(name)
            extra = f" {model_field.help_text}" if model_field.help_text else ""
            self.fields[name] = _datetime_field(model_field, help_text=f"{hint}{extra}")
        self.fields["closes_at"].help_text = _(
            "Japan time. Proposals are accepted until the second before this moment."
        )
        self.fields["programme"].queryset = Programme.objects.order_by("sort_order", "code")
        self.fields["kind"].choices = [c for c in self.fields["kind"].choices if c[0]]
        rubrics = Rubric.objects.order_by("name")
        if rubrics.exists():
            self.fields["rubric"].queryset = rubrics
            self.fields["rubric"].empty_label = _("The default rubric")
        else:
            del self.fields["rubric"]
        self.fields["planned_adoptions"].min_value = 0

    def clean(self):
        data = super().clean()
        for field, message in period_errors(
            data.get("opens_at"),
            data.get("closes_at"),
            data.get("questions_until"),
            data.get("results_announced_at"),
        ).items():
            if field not in self.errors:
                self.add_error(field, message)
        return data

    def _post_clean(self):
        # The services validate and save; skip the model's own validation here so the
        # check constraint does not repeat the clearer message above.
        pass


class DocumentForm(AccessibleErrorsMixin, forms.Form):
    title = forms.CharField(
        label=_("Document title"),
        max_length=200,
        required=False,
        help_text=_("E.g. “Application guidelines (募集要項)”. Leave empty to use the file name."),
    )
    file = forms.FileField(
        label=_("PDF file"),
        help_text=_("PDF only, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}),
    )


class QuestionForm(AccessibleErrorsMixin, forms.Form):
    question = forms.CharField(
        label=_("Your question"),
        max_length=MAX_QUESTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "The desk publishes its answer to everyone, without your name or your organisation's."
        ),
    )


class AnswerForm(AccessibleErrorsMixin, forms.Form):
    question_id = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(
        label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=8000
    )
    publish = forms.BooleanField(
        label=_("Publish the question and answer on the call's page"), required=False, initial=True
    )
