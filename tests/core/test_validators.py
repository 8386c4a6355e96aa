"""法人番号 (corporate number) check digit, normalisation, and the Organization rules."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.models import Organization
from core.validators import (
    corporate_number_check_digit,
    make_corporate_number,
    normalize_corporate_number,
    validate_corporate_number,
)

pytestmark = pytest.mark.unit

NTA = "7000012050002"  # 国税庁 (National Tax Agency)


def _code(value: str) -> str:
    with pytest.raises(ValidationError) as info:
        validate_corporate_number(value)
    return info.value.code


def test_real_number_is_valid():
    validate_corporate_number(NTA)
    assert corporate_number_check_digit(NTA[1:]) == 7


@pytest.mark.parametrize(
    "base12,check",
    [
        ("000012050002", 7),  # National Tax Agency
        ("000000000000", 9),  # weighted sum 0: 9 - 0
        ("000000000009", 9),  # weighted sum 9: 9 - 0, never 0
        ("000000000001", 8),
        ("000000000010", 7),  # second digit from the right weighs 2
    ],
)
def test_check_digit(base12, check):
    assert corporate_number_check_digit(base12) == check
    assert make_corporate_number(base12) == f"{check}{base12}"
    validate_corporate_number(make_corporate_number(base12))


def test_wrong_check_digit_is_refused_with_its_message():
    assert _code("1000012050002") == "corporate_number_check_digit"
    with translation.override("en"):
        with pytest.raises(ValidationError) as info:
            validate_corporate_number("1000012050002")
        assert "check digit" in info.value.messages[0]
    assert "チェックデジット" in info.value.messages[0]


@pytest.mark.parametrize(
    "value", ["700001205000", "70000120500021", "70000120500A2", "ABCDEFGHIJKLM", ""]
)
def test_wrong_length_or_letters_refused_with_the_length_message(value):
    assert _code(value) == "corporate_number_length"
    with translation.override("en"):
        with pytest.raises(ValidationError) as info:
            validate_corporate_number(value)
        assert "13 digits" in info.value.messages[0]
    assert "13桁" in info.value.messages[0]


@pytest.mark.parametrize(
    "typed",
    [
        "７００００１２０５０００２",
        "7000-01-205-0002",
        "７０００－０１－２０５－０００２",
        " 7000 0120 50002 ",
        "7000　0120　50002",
    ],
)
def test_full_width_digits_hyphens_and_spaces_are_normalised(typed):
    assert normalize_corporate_number(typed) == NTA
    validate_corporate_number(typed)


def test_normalising_nothing_gives_empty():
    assert normalize_corporate_number(None) == ""
    assert normalize_corporate_number("") == ""


def _org(**kw) -> Organization:
    fields = dict(
        name="テスト株式会社", address="福岡市中央区天神1-1-1", representative_name="代表 太郎"
    )
    fields.update(kw)
    return Organization(**fields)


@pytest.mark.django_db
def test_corporation_needs_a_number():
    with pytest.raises(ValidationError) as info:
        _org(corporate_number="").full_clean()
    assert "corporate_number" in info.value.message_dict


@pytest.mark.django_db
def test_corporation_with_a_valid_number_is_accepted():
    org = _org(corporate_number=NTA)
    org.full_clean()
    assert org.corporate_number == NTA


@pytest.mark.django_db
def test_corporation_with_a_wrong_check_digit_is_refused():
    with pytest.raises(ValidationError) as info:
        _org(corporate_number="1000012050002").full_clean()
    assert "corporate_number" in info.value.message_dict


@pytest.mark.django_db
def test_sole_proprietor_with_a_number_is_refused():
    with pytest.raises(ValidationError) as info:
        _org(corporate_number=NTA, is_sole_proprietor=True).full_clean()
    assert "corporate_number" in info.value.message_dict


@pytest.mark.django_db
def test_sole_proprietor_without_a_number_is_accepted():
    org = _org(corporate_number="", is_sole_proprietor=True)
    org.full_clean()
    assert org.corporate_number == ""


@pytest.mark.parametrize(
    "typed", ["７００００１２０５０００２", "7000-01-205-0002", "７０００－０１－２０５－０００２"]
)
@pytest.mark.django_db
def test_organisation_stores_the_number_as_typed_in_normalised_form(typed):
    """The validator accepts hyphens, so the model must too (the 13-character column limit
    must apply after normalising, not before)."""
    org = _org(corporate_number=typed)
    org.full_clean()
    assert org.corporate_number == NTA


@pytest.mark.django_db
def test_corporate_number_is_unique_but_many_may_have_none():
    _org(corporate_number=NTA).save()
    _org(corporate_number="", is_sole_proprietor=True).save()
    second_sole = _org(corporate_number="", is_sole_proprietor=True, name="個人事業")
    second_sole.full_clean()
    second_sole.save()
    with pytest.raises(ValidationError) as info:
        _org(corporate_number=NTA, name="別の会社").full_clean()
    assert "corporate_number" in str(info.value)
