"""Makers for tests of the regulation board and of the modules that register clause checks."""

from __future__ import annotations

import datetime
import itertools

from django.contrib.auth.models import Group
from django.utils import timezone

from whitewall.accounts.models import Department, StaffProfile, User
from whitewall.regulation.models import RegulationVersion

_numbers = itertools.count(1)


def make_staff(
    username: str, *, role: str | None = "operator", active: bool = True, profile: bool = True, **extra
):
    user = User.objects.create_user(
        username=username, email=f"{username}@example.com", is_staff=True, is_active=active, **extra
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    if profile:
        StaffProfile.objects.create(
            user=user,
            employee_no=f"T{next(_numbers):05d}",
            department=Department.objects.get(code="operations"),
        )
    return user


def make_version(number="1.0", *, effective=None, published=True, published_at=None) -> RegulationVersion:
    version = RegulationVersion.objects.create(
        number=number,
        name=f"Regulation {number}",
        effective_date=effective or (timezone.localdate() - datetime.timedelta(days=30)),
        summary="",
    )
    if published:
        version.published_at = published_at or timezone.now() - datetime.timedelta(days=40)
        version.save(update_fields=["published_at"])
    return version


def with_role(user, role: str):
    user.groups.add(Group.objects.get(name=role))
    for attribute in ("_object_perm_cache", "_role_codes"):
        if hasattr(user, attribute):
            delattr(user, attribute)
    return user
