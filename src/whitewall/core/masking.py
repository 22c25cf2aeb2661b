"""Masked display of personal data: enough to recognise a value, not enough to use it.

mask_national_id("110105199001011234")  -> "1101**********1234"
mask_mobile("13812345678")              -> "138****5678"
mask_email("zhang.san@example.com")     -> "z***@example.com"
mask_bank_account("6222021234561234")   -> "**** **** **** 1234"
"""

from __future__ import annotations

from collections.abc import Callable

MASK = "*"


def mask_national_id(value: str) -> str:
    value = "".join((value or "").split())
    if not value:
        return ""
    if len(value) <= 8:
        return MASK * len(value)
    return value[:4] + MASK * (len(value) - 8) + value[-4:]


def mask_mobile(value: str) -> str:
    value = "".join((value or "").split())
    if not value:
        return ""
    if len(value) < 8:
        return MASK * len(value)
    return value[:3] + MASK * (len(value) - 7) + value[-4:]


def mask_email(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    local, at, domain = value.rpartition("@")
    if not at:
        return mask_generic(value)
    return (local[:1] or MASK) + MASK * 3 + "@" + domain


def mask_bank_account(value: str) -> str:
    digits = "".join(ch for ch in (value or "") if ch.isalnum())
    if not digits:
        return ""
    if len(digits) <= 4:
        return MASK * len(digits)
    return "**** **** **** " + digits[-4:]


def mask_generic(value: str) -> str:
    value = value or ""
    if not value:
        return ""
    if len(value) <= 2:
        return MASK * len(value)
    keep = 1 if len(value) < 8 else 2
    return value[:keep] + MASK * 4 + value[-keep:]


MASKS: dict[str, Callable[[str], str]] = {
    "generic": mask_generic,
    "national_id": mask_national_id,
    "mobile": mask_mobile,
    "email": mask_email,
    "bank_account": mask_bank_account,
}


def mask(value, kind: str = "generic") -> str:
    if value is None:
        return ""
    return MASKS[kind](str(value))
