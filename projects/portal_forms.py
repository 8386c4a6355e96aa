"""The partner business's report form: kind, text, five rows of figures, files.

The figures are five fixed rows of (what was measured, value, unit) so the form works
without JavaScript; empty rows are ignored. Each row is checked here so that a value that is
not a number is marked on its own row; ``projects.services.submit_report`` checks everything
again (and the files, by content) and stays the rule.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from core import uploads
from core.forms import AccessibleErrorsMixin
from proposals.forms import MultipleFileField

from .models import Report

FIGURE_ROWS = 5
#: ReportFigure.value is DecimalField(max_digits=14, decimal_places=2).
DECIMAL_PLACES = 2
MAX_WHOLE_DIGITS = 14 - DECIMAL_PLACES


def _parse_number(value: str) -> Decimal | None:
    """The same reading as the service: 1,234.5 → 1234.5; None when it is not a number."""
    try:
        number = Decimal(value.replace(",", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _fits(number: Decimal) -> bool:
    """Whether the database keeps ``number`` exactly (no rounding, no overflow)."""
    _sign, digits, exponent = number.normalize().as_tuple()
    places = max(-exponent, 0)
    whole = max(len(digits) + exponent, 0)
    return places <= DECIMAL_PLACES and whole <= MAX_WHOLE_DIGITS


class ReportForm(AccessibleErrorsMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of report"),
        choices=Report.Kind.choices,
        widget=forms.RadioSelect,
        initial=Report.Kind.PROGRESS,
        help_text=_(
            "A progress report during the project; a final report with the results when it ends."
        ),
    )
    body = forms.CharField(
        label=_("Report"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("What was done, what happened, what you learnt, what comes next."),
    )
    files = MultipleFileField(label=_("Files (optional)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for index in range(FIGURE_ROWS):
            number = index + 1
            # In the table, each input is named by its column and row headers.
            self.fields[f"figure_{index}_label"] = forms.CharField(
                label=_("Figure %(number)s: what was measured") % {"number": number},
                max_length=100,
                required=False,
                widget=forms.TextInput(
                    attrs={"aria-labelledby": f"figures-col-label figures-row-{number}"}
                ),
            )
            self.fields[f"figure_{index}_value"] = forms.CharField(
                label=_("Figure %(number)s: value") % {"number": number},
                max_length=30,
                required=False,
                widget=forms.TextInput(
                    attrs={
                        "inputmode": "decimal",
                        "aria-labelledby": f"figures-col-value figures-row-{number}",
                    }
                ),
            )
            self.fields[f"figure_{index}_unit"] = forms.CharField(
                label=_("Figure %(number)s: unit") % {"number": number},
                max_length=20,
                required=False,
                widget=forms.TextInput(
                    attrs={"aria-labelledby": f"figures-col-unit figures-row-{number}"}
                ),
            )
        self.fields["files"].help_text = uploads.limits_text()
        self.fields["files"].widget.attrs["accept"] = uploads.accept_attribute()
        #: An error about the figures as a whole (from the service), shown on the table.
        self.figures_error = ""

    # --- what the template shows -------------------------------------------------------------
    def main_fields(self):
        return [self["kind"], self["body"]]

    def figure_rows(self):
        """[(number, label field, value field, unit field)] for the figures table."""
        return [
            (
                index + 1,
                self[f"figure_{index}_label"],
                self[f"figure_{index}_value"],
                self[f"figure_{index}_unit"],
            )
            for index in range(FIGURE_ROWS)
        ]

    def figure_field_names(self):
        return [
            f"figure_{index}_{part}"
            for index in range(FIGURE_ROWS)
            for part in ("label", "value", "unit")
        ]

    # --- checks --------------------------------------------------------------------------------
    def clean(self):
        data = super().clean()
        for index in range(FIGURE_ROWS):
            label = (data.get(f"figure_{index}_label") or "").strip()
            value = (data.get(f"figure_{index}_value") or "").strip()
            unit = (data.get(f"figure_{index}_unit") or "").strip()
            if not (label or value or unit):
                continue
            if not value:
                self.add_error(
                    f"figure_{index}_value",
                    _("Give the value of “%(label)s”, or clear this row.")
                    % {"label": label or unit},
                )
            elif (number := _parse_number(value)) is None:
                self.add_error(
                    f"figure_{index}_value",
                    _(
                        "“%(value)s” is not a number. Write digits only (for example 1234 or "
                        "12.5) and put the unit in its own box."
                    )
                    % {"value": value},
                )
            elif not _fits(number):
                self.add_error(
                    f"figure_{index}_value",
                    _(
                        "“%(value)s” cannot be kept as it is: a value may have at most "
                        "%(whole)s digits before the decimal point and %(places)s after it."
                    )
                    % {"value": value, "whole": MAX_WHOLE_DIGITS, "places": DECIMAL_PLACES},
                )
            if not label:
                self.add_error(f"figure_{index}_label", _("Say what this figure measures."))
        return data

    @property
    def has_figure_errors(self) -> bool:
        return bool(self.figures_error) or any(
            name in self.errors for name in self.figure_field_names()
        )

    def figures(self) -> list[tuple[str, str, str]]:
        """The rows as typed, for ``services.submit_report`` (empty rows dropped there)."""
        data = self.cleaned_data
        return [
            (
                (data.get(f"figure_{i}_label") or ""),
                (data.get(f"figure_{i}_value") or ""),
                (data.get(f"figure_{i}_unit") or ""),
            )
            for i in range(FIGURE_ROWS)
        ]

    def apply_service_errors(self, error) -> None:
        """Put a ``ValidationError`` from the service where the user will see it."""
        if not hasattr(error, "error_dict"):
            # The service's only errors without a field are the files' (checked by content).
            self.add_error("files", error)
            return
        for key, errors in error.message_dict.items():
            if key == "figures":
                self.figures_error = " ".join(errors)
                # Keep the form invalid and listed in the summary at the top.
                self.add_error(None, forms.ValidationError(self.figures_error))
            elif key in self.fields:
                self.add_error(key, errors)
            else:
                self.add_error(None, errors)


def initial_from(report: Report) -> dict:
    """Start a new report from an earlier one (a returned report is sent again, changed)."""
    initial = {"kind": report.kind, "body": report.body}
    for index, figure in enumerate(list(report.figures.all())[:FIGURE_ROWS]):
        value = figure.value.normalize()
        initial[f"figure_{index}_label"] = figure.label
        initial[f"figure_{index}_value"] = f"{value:f}"
        initial[f"figure_{index}_unit"] = figure.unit
    return initial
