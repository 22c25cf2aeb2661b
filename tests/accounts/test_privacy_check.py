"""The live check of clause 6.1.2: encrypted at rest, reveals permission-gated and recorded."""

from unittest import mock

import pytest
from django.db import connection

from whitewall.accounts import checks_privacy as checks
from whitewall.accounts.models import Department, StaffProfile, User
from whitewall.regulation.checks import Status, registered_codes, run_check

pytestmark = pytest.mark.django_db


def make_profile(**personal):
    user = User.objects.create_user(username="p", email="p@example.com", is_staff=True)
    return StaffProfile.objects.create(
        user=user, employee_no="C1", department=Department.objects.get(code="operations"), **personal
    )


def test_the_check_is_registered():
    assert "6.1.2" in registered_codes()


def test_encrypted_and_gated_but_amber_without_a_recording_audit_trail():
    make_profile(national_id="11010519491231002X", mobile="13912345678")
    result = run_check("6.1.2")
    if result.status == Status.GREEN:  # the audit trail is installed and records reveals
        assert "reveal_events" in result.figures
        return
    assert result.status == Status.AMBER, result.explanation
    assert result.figures["not_encrypted"] == 0
    assert result.figures["values"] >= 2
    assert "reveals need a permission" in result.explanation


def test_green_when_reveals_are_recorded():
    make_profile(mobile="13912345678")
    with mock.patch.object(checks, "_audit_reveal_events", return_value=(4, None)):
        result = run_check("6.1.2")
    assert result.status == Status.GREEN, result.explanation
    assert result.figures["reveal_events"] == 4


def test_plaintext_at_rest_is_red():
    profile = make_profile(mobile="13912345678")
    table = connection.ops.quote_name(StaffProfile._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET mobile = %s WHERE id = %s", ["13912345678", profile.pk])  # noqa: S608
    with mock.patch.object(checks, "_audit_reveal_events", return_value=(4, None)):
        result = run_check("6.1.2")
    assert result.status == Status.RED
    assert result.figures["not_encrypted"] == 1
    assert "13912345678" not in result.explanation


def test_ungated_reveal_is_red():
    with (
        mock.patch.object(checks, "_audit_reveal_events", return_value=(0, None)),
        mock.patch.object(checks, "_reveal_is_gated", return_value=False),
    ):
        assert run_check("6.1.2").status == Status.RED


def test_reveal_view_is_recognised_as_gated():
    assert checks._reveal_is_gated()


def test_without_audit_app_the_reason_is_named():
    with mock.patch.object(checks.apps, "is_installed", return_value=False):
        events, reason = checks._audit_reveal_events()
    assert events is None and "not installed" in reason
