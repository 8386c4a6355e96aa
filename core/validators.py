"""Validators for Japanese identifiers."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def corporate_number_check_digit(base12: str) -> int:
    """Check digit of a 法人番号 from its 12-digit base (National Tax Agency rule).

    The digits are weighted 1, 2, 1, 2, … from the right; the check digit is
    9 − (weighted sum mod 9), and it is written as the first of the 13 digits.
    """
    total = sum(int(d) * (1 if i % 2 == 0 else 2) for i, d in enumerate(reversed(base12)))
    return 9 - (total % 9)


def normalize_corporate_number(value: str) -> str:
    """Accept full-width digits, spaces and hyphens as people type them; keep 13 digits."""
    if value is None:
        return ""
    table = str.maketrans("０１２３４５６７８９", "0123456789")
    return "".join(ch for ch in value.translate(table) if ch not in " -－　")


def validate_corporate_number(value: str) -> None:
    number = normalize_corporate_number(value)
    if not number.isdigit() or len(number) != 13:
        raise ValidationError(
            _("A corporate number (法人番号) has exactly 13 digits."),
            code="corporate_number_length",
        )
    if int(number[0]) != corporate_number_check_digit(number[1:]):
        raise ValidationError(
            _(
                "This corporate number (法人番号) is not valid: its check digit does not match. "
                "Please check the number on the National Tax Agency's corporate number site."
            ),
            code="corporate_number_check_digit",
        )


def make_corporate_number(base12: str) -> str:
    """A valid 法人番号 for a 12-digit base (used by demo data and tests)."""
    return f"{corporate_number_check_digit(base12)}{base12}"
