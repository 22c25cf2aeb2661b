"""Validators for personal data held in mainland China.

Each validator takes the value as entered, raises ``ValidationError`` naming the rule that failed,
and has a matching ``normalise_*`` that callers store (spaces removed, ``x`` upper-cased, ``+86``
dropped).

Bank accounts: 12 to 19 digits; the Luhn check digit is **not** enforced. Most UnionPay cards
carry one, but passbook (存折) accounts, corporate and some older accounts do not, and refusing a
real account number is worse than accepting a typo that payroll's first transfer reveals.
``luhn_valid`` is here for callers that want to warn.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email as django_validate_email
from django.utils.translation import gettext_lazy as _

# GB 11643-1999 / ISO 7064 MOD 11-2
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
# GB/T 2260 province-level codes (first two digits); 81/82/83: Hong Kong, Macao and Taiwan
# residents' residence permits.
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15",
        "21", "22", "23",
        "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46",
        "50", "51", "52", "53", "54",
        "61", "62", "63", "64", "65",
        "71", "81", "82", "83",
    }
)  # fmt: skip
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
BANK_ACCOUNT_RE = re.compile(r"^\d{12,19}$")


def national_id_check_char(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def normalise_national_id(value: str) -> str:
    return "".join((value or "").split()).upper()


def validate_national_id(value: str) -> None:
    """An 18-character resident identity number: region, birth date and GB 11643 check digit."""
    number = normalise_national_id(value)
    if len(number) != 18:
        raise ValidationError(
            _("A national ID number has 18 characters (%(count)d given).") % {"count": len(number)},
            code="national_id_length",
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(
            _("A national ID number is 17 digits followed by a digit or X."), code="national_id_characters"
        )
    if number[:2] not in PROVINCE_CODES or number[2:6] == "0000":
        raise ValidationError(
            _("The first six digits are not a valid region code."), code="national_id_region"
        )
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("Digits 7 to 14 are not a valid birth date."), code="national_id_birth_date")
    if birth.year < 1900 or birth > datetime.date.today():
        raise ValidationError(_("Digits 7 to 14 are not a valid birth date."), code="national_id_birth_date")
    if national_id_check_char(number[:17]) != number[17]:
        raise ValidationError(
            _("The check digit does not match (GB 11643): the number has a typo."),
            code="national_id_checksum",
        )


def normalise_mobile(value: str) -> str:
    digits = "".join(ch for ch in (value or "") if ch.isdigit() or ch == "+")
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == 11 + len(prefix):
            return digits[len(prefix) :]
    return digits


def validate_mobile(value: str) -> None:
    """A mainland mobile number: 11 digits, 1 then 3–9 (``+86`` and spaces allowed)."""
    if not MOBILE_RE.match(normalise_mobile(value)):
        raise ValidationError(
            _("Enter an 11-digit mainland mobile number starting with 13 to 19."), code="mobile"
        )


def normalise_email(value: str) -> str:
    value = (value or "").strip()
    local, at, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}" if at else value


def validate_email(value: str) -> None:
    try:
        django_validate_email(normalise_email(value))
    except ValidationError:
        raise ValidationError(_("Enter a valid email address."), code="email")


def normalise_bank_account(value: str) -> str:
    return "".join(ch for ch in (value or "") if not ch.isspace() and ch != "-")


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def validate_bank_account(value: str) -> None:
    """12 to 19 digits (spaces and dashes allowed); the Luhn digit is not enforced (see above)."""
    if not BANK_ACCOUNT_RE.match(normalise_bank_account(value)):
        raise ValidationError(_("A bank account number has 12 to 19 digits."), code="bank_account")
