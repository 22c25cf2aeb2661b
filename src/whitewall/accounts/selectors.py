"""Reads that several callers share, restricted to what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from whitewall.accounts.models import StaffProfile, User
from whitewall.core.encryption import blind_index_q


def staff_by_national_id(*, user: User, national_id: str) -> QuerySet[StaffProfile]:
    """Staff whose national ID number is exactly ``national_id`` (through the blind index)."""
    return StaffProfile.objects.restrict(user, "view").filter(
        blind_index_q(StaffProfile, "national_id", national_id)
    )


def staff_by_mobile(*, user: User, mobile: str) -> QuerySet[StaffProfile]:
    """Staff whose mobile number is exactly ``mobile`` (``+86`` and spaces allowed)."""
    return StaffProfile.objects.restrict(user, "view").filter(blind_index_q(StaffProfile, "mobile", mobile))
