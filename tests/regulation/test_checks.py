"""The built-in clause checks: every status each one can report is reachable."""

import datetime

import pytest
from django.utils import timezone

from whitewall.accounts.models import Department
from whitewall.config.policy import Policy, RegulationPolicy
from whitewall.regulation import checks_builtin
from whitewall.regulation.checks import (
    Status,
    evaluating_as_of,
    historical_codes,
    registered_codes,
    run_check,
)
from whitewall.regulation.models import Acknowledgement
from whitewall.regulation.testing import make_staff, make_version

pytestmark = pytest.mark.django_db


def test_the_built_in_checks_are_registered():
    assert {"1.1", "1.2", "1.3.2", "4.1.1"} <= set(registered_codes())
    # Those the other modules own are not registered by the board itself.
    assert {"1.1", "1.3.2"} <= set(historical_codes())
    assert "1.2" not in historical_codes() and "4.1.1" not in historical_codes()


# --- 1.1 ----------------------------------------------------------------------------------------
def test_1_1_red_without_a_published_version():
    make_version("0.9", published=False)
    result = run_check("1.1")
    assert result.status == Status.RED
    assert result.evidence_url == "/console/regulation/versions/"


def test_1_1_amber_when_the_published_version_is_not_yet_in_effect():
    make_version("2.0", effective=timezone.localdate() + datetime.timedelta(days=10))
    result = run_check("1.1")
    assert result.status == Status.AMBER
    assert "2.0" in result.explanation


def test_1_1_green_when_a_published_version_is_in_effect():
    version = make_version("1.0")
    result = run_check("1.1")
    assert result.status == Status.GREEN
    assert result.evidence_url == f"/console/regulation/versions/{version.pk}/"
    assert result.figures["version"] == "1.0"


def test_1_1_recomputed_for_a_moment_before_publication_is_red():
    make_version("1.0", published_at=timezone.now() - datetime.timedelta(days=5))
    with evaluating_as_of(timezone.now() - datetime.timedelta(days=6)):
        assert run_check("1.1").status == Status.RED


# --- 1.2 ----------------------------------------------------------------------------------------
def test_1_2_red_without_any_active_staff():
    assert run_check("1.2").status == Status.RED


def test_1_2_green_when_everyone_has_department_and_role():
    make_staff("a")
    make_staff("b", role="hr_officer")
    make_staff("gone", role=None, active=False)  # inactive staff do not count
    result = run_check("1.2")
    assert result.status == Status.GREEN, result.explanation
    assert result.figures["active_staff"] == 2


def test_1_2_amber_with_the_count_and_a_link_when_someone_has_no_role():
    make_staff("a")
    make_staff("b", role=None)
    result = run_check("1.2")
    assert result.status == Status.AMBER
    assert result.figures["without_role"] == 1
    assert "1" in result.explanation and "2" in result.explanation
    assert result.evidence_url == "/console/accounts/staff/?active=true&without_role=true"


def test_1_2_red_when_a_staff_account_is_outside_the_directory():
    make_staff("a")
    make_staff("nobody", profile=False)
    result = run_check("1.2")
    assert result.status == Status.RED
    assert result.figures["without_staff_profile"] == 1


def test_1_2_red_when_a_staff_member_sits_in_an_inactive_department():
    make_staff("a")
    Department.objects.filter(code="operations").update(is_active=False)
    result = run_check("1.2")
    assert result.status == Status.RED
    assert result.figures["in_inactive_department"] == 1


# --- 1.3.2 --------------------------------------------------------------------------------------
def _policy(target, amber=None):
    amber = min(50, target - 1) if amber is None else amber
    return Policy(
        regulation=RegulationPolicy(
            acknowledgement_target_percent=target, acknowledgement_amber_percent=amber
        )
    )


def test_1_3_2_red_without_a_version_in_force():
    make_staff("a")
    assert run_check("1.3.2").status == Status.RED


def test_1_3_2_statuses_follow_the_share_of_staff_and_the_policy_target(monkeypatch):
    version = make_version("1.0")
    staff = [make_staff(f"s{i}") for i in range(4)]
    assert run_check("1.3.2").status == Status.RED  # 0 of 4
    Acknowledgement.objects.create(user=staff[0], version=version)
    Acknowledgement.objects.create(user=staff[1], version=version)
    result = run_check("1.3.2")
    assert result.status == Status.AMBER  # 50%, target 100%
    assert result.figures == {
        "acknowledged": 2,
        "staff": 4,
        "pending": 2,
        "percent": 50.0,
        "target_percent": 100,
        "amber_percent": 50,
        "version": "1.0",
    }
    monkeypatch.setattr(checks_builtin, "get_policy", lambda: _policy(50))
    assert run_check("1.3.2").status == Status.GREEN
    monkeypatch.setattr(checks_builtin, "get_policy", lambda: _policy(100))
    for person in staff[2:]:
        Acknowledgement.objects.create(user=person, version=version)
    result = run_check("1.3.2")
    assert result.status == Status.GREEN
    assert result.evidence_url == f"/console/regulation/versions/{version.pk}/"


@pytest.mark.parametrize(
    ("target", "amber", "acknowledged", "expected"),
    [
        (100, 60, 6, Status.AMBER),  # exactly at the amber line: amber
        (100, 60, 5, Status.RED),  # one short of it: red
        (100, 60, 9, Status.AMBER),  # one short of the target: still amber
        (80, 30, 8, Status.GREEN),  # exactly at the target: green
        (80, 30, 3, Status.AMBER),
        (80, 30, 2, Status.RED),
        (100, 0, 0, Status.AMBER),  # amber line at 0: never red while a version is in force
    ],
)
def test_1_3_2_amber_line_comes_from_the_policy(monkeypatch, target, amber, acknowledged, expected):
    version = make_version("1.0")
    staff = [make_staff(f"s{i}") for i in range(10)]
    for person in staff[:acknowledged]:
        Acknowledgement.objects.create(user=person, version=version)
    monkeypatch.setattr(checks_builtin, "get_policy", lambda: _policy(target, amber))
    result = run_check("1.3.2")
    assert result.status == expected, result.explanation
    assert result.figures["amber_percent"] == amber


def test_1_3_2_counts_only_acknowledgements_of_the_version_in_force():
    old = make_version("1.0", effective=timezone.localdate() - datetime.timedelta(days=300))
    make_version("2.0")
    person = make_staff("a")
    Acknowledgement.objects.create(user=person, version=old)
    assert run_check("1.3.2").status == Status.RED


def test_1_3_2_recomputed_for_the_past_counts_only_acknowledgements_made_by_then():
    version = make_version("1.0")
    first, second = make_staff("a"), make_staff("b")
    Acknowledgement.objects.create(
        user=first, version=version, acknowledged_at=timezone.now() - datetime.timedelta(days=20)
    )
    Acknowledgement.objects.create(user=second, version=version)
    assert run_check("1.3.2").status == Status.GREEN
    with evaluating_as_of(timezone.now() - datetime.timedelta(days=10)):
        result = run_check("1.3.2")
    assert result.status == Status.AMBER
    assert result.figures["acknowledged"] == 1


# --- 4.1.1 --------------------------------------------------------------------------------------
def test_4_1_1_red_when_a_staff_account_has_no_role():
    make_staff("a", role=None)
    result = run_check("4.1.1")
    assert result.status == Status.RED
    assert result.figures["without_role"] == 1


def test_4_1_1_is_never_green_while_access_reviews_do_not_exist():
    make_staff("a")
    result = run_check("4.1.1")
    assert result.status == Status.AMBER
    assert "access review" in result.explanation.lower()
