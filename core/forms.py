"""Form building blocks every app uses: choices by id that refuse forged ids politely, and
error and help texts tied to their inputs for screen readers. The account pages' own forms are
in ``core.account_forms``."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator

#: The largest id a database column holds; SQLite raises OverflowError on larger numbers.
MAX_ID = 2**63 - 1


def _is_id(value) -> bool:
    text = str(value).strip()
    return text.isdigit() and int(text) <= MAX_ID


class ModelChoiceById(forms.ModelChoiceField):
    """A choice of one object by id that answers a forged or huge id with the field's
    message, never with a database error."""

    def to_python(self, value):
        if value not in self.empty_values and not self.to_field_name and not _is_id(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class ModelMultipleChoiceById(forms.ModelMultipleChoiceField):
    """A choice of several objects by id, with the same protection as ``ModelChoiceById``."""

    def _check_values(self, value):
        if not self.to_field_name:
            for item in value:
                if not _is_id(item):
                    raise forms.ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": item},
                    )
        return super()._check_values(value)


#: The longest text a free-text box takes when its model sets no limit (characters). A
#: proposal's longest part is a few pages; a pasted novel is refused with the limit named,
#: and what was typed stays in the box.
TEXT_MAX_LENGTH = 10_000


class AccessibleErrorsMixin:
    """Tie each field's error message to its input for screen readers, and give every
    free-text box a maximum length.

    After validation, a field with errors gets ``aria-invalid="true"`` and
    ``aria-describedby`` pointing at the ``<id>-error`` paragraph the templates render. A text
    area without a limit of its own gets ``TEXT_MAX_LENGTH``; ``includes/field.html`` shows
    every text field's limit beside it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if (
                isinstance(field, forms.CharField)
                and field.max_length is None
                and isinstance(field.widget, forms.Textarea)
            ):
                field.max_length = TEXT_MAX_LENGTH
                field.validators.append(MaxLengthValidator(TEXT_MAX_LENGTH))
                field.widget.attrs["maxlength"] = str(TEXT_MAX_LENGTH)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                field_id = self[name].auto_id
                widget.attrs["aria-invalid"] = "true"
                described = widget.attrs.get("aria-describedby", "")
                widget.attrs["aria-describedby"] = f"{described} {field_id}-error".strip()


class DescribedHelpTextMixin:
    """Tie each field's help text to its input (``<id>-help``), before any error id.

    Django adds its own ``aria-describedby`` only while the widget has none, and
    AccessibleErrorsMixin sets one for errors, so the help text must be named explicitly.
    Put this mixin *before* AccessibleErrorsMixin.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tie_help_texts()

    def tie_help_texts(self) -> None:
        """Call again after changing help texts in ``__init__``."""
        for name, field in self.fields.items():
            if field.help_text and not field.widget.is_hidden:
                field.widget.attrs["aria-describedby"] = f"{self[name].auto_id}-help"

    def fields_named(self, names):
        return [self[name] for name in names if name in self.fields]
