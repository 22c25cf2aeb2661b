"""Validators for national ID numbers (GB 11643), mobile numbers, email and bank accounts."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from whitewall.core.validators import (
    PROVINCE_CODES,
    luhn_valid,
    national_id_check_char,
    normalise_bank_account,
    normalise_mobile,
    normalise_national_id,
    validate_bank_account,
    validate_email,
    validate_mobile,
    validate_national_id,
)


@st.composite
def national_ids(draw):
    province = draw(st.sampled_from(sorted(PROVINCE_CODES)))
    area = draw(st.integers(min_value=101, max_value=9999))
    birth = draw(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date.today()))
    sequence = draw(st.integers(min_value=0, max_value=999))
    first17 = f"{province}{area:04d}{birth:%Y%m%d}{sequence:03d}"
    return first17 + national_id_check_char(first17)


@given(national_ids())
def test_valid_national_ids_pass(number):
    validate_national_id(number)
    validate_national_id(number.lower())  # a lower-case x is accepted and normalised
    assert normalise_national_id(f" {number[:6]} {number[6:].lower()} ") == number


@given(national_ids(), st.integers(min_value=0, max_value=17), st.integers(min_value=1, max_value=10))
def test_any_single_character_corruption_is_refused(number, position, shift):
    alphabet = "0123456789X" if position == 17 else "0123456789"
    original = number[position]
    replacement = alphabet[(alphabet.index(original) + shift) % len(alphabet)]
    if replacement == original:
        return
    corrupted = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(ValidationError):
        validate_national_id(corrupted)


def test_known_national_id_and_each_rule_names_itself():
    validate_national_id("11010519491231002X")  # the GB 11643 standard's example
    cases = {
        "1101051949123100": "national_id_length",
        "11010519491231002A": "national_id_characters",
        "99010519491231002X": "national_id_region",
        "11010519491331002X": "national_id_birth_date",
        "11010518491231002X": "national_id_birth_date",
        "110105194912310021": "national_id_checksum",
    }
    for number, code in cases.items():
        with pytest.raises(ValidationError) as caught:
            validate_national_id(number)
        assert caught.value.code == code, number


def test_a_future_birth_date_is_refused():
    future = datetime.date.today() + datetime.timedelta(days=400)
    first17 = f"110105{future:%Y%m%d}001"
    with pytest.raises(ValidationError):
        validate_national_id(first17 + national_id_check_char(first17))


@pytest.mark.parametrize("value", ["13812345678", "19912345678", "+86 138 1234 5678", "0086-13812345678"])
def test_mobile_numbers_accepted(value):
    validate_mobile(value)
    assert len(normalise_mobile(value)) == 11


@pytest.mark.parametrize("value", ["12812345678", "1381234567", "138123456789", "23812345678", "abc", ""])
def test_mobile_numbers_refused(value):
    with pytest.raises(ValidationError):
        validate_mobile(value)


def test_email():
    validate_email("Zhang.San@Example.COM")
    for bad in ("zhang", "a@", "@example.com", "a b@example.com"):
        with pytest.raises(ValidationError):
            validate_email(bad)


@pytest.mark.parametrize("value", ["622202123456", "6222 0212 3456 1234", "6222-0212-3456-1234-567"])
def test_bank_accounts_accepted(value):
    validate_bank_account(value)


@pytest.mark.parametrize("value", ["62220212345", "62220212345612345678", "6222abcd34561234", ""])
def test_bank_accounts_refused(value):
    with pytest.raises(ValidationError):
        validate_bank_account(value)


def test_luhn_is_reported_but_not_enforced():
    assert luhn_valid("6217000000000030")
    assert not luhn_valid("6217000000000031")
    validate_bank_account("6217000000000031")  # passbook and older accounts carry no Luhn digit
    assert normalise_bank_account("6217 0000-0000 0031") == "6217000000000031"
