"""The policy loader: the shipped default is valid; every broken file is refused with key, value and rule."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from whitewall.config.policy import DEFAULT_POLICY_PATH, ROLE_CODES, Policy, PolicyError, load_policy


def write_policy(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def load_error(tmp_path: Path, body: str) -> str:
    path = write_policy(tmp_path, body)
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    message = str(caught.value)
    assert str(path) in message, "the error names the file"
    return message


def test_shipped_default_is_valid_and_matches_the_documented_defaults():
    policy = load_policy(DEFAULT_POLICY_PATH)
    assert isinstance(policy, Policy)
    auth = policy.auth
    assert set(auth.mfa_required_roles) == {
        "security_officer",
        "system_admin",
        "finance_officer",
        "executive",
    }
    assert auth.lockout_failures == 5
    assert auth.lockout_minutes == 30
    assert auth.password_min_length == 10
    assert auth.session_minutes == 480
    assert auth.session_expire_at_browser_close is False


def test_loader_accepts_a_path_given_as_string():
    assert load_policy(str(DEFAULT_POLICY_PATH)).auth.lockout_failures == 5


def test_an_organisations_values_are_used(tmp_path):
    path = write_policy(
        tmp_path,
        """
        [auth]
        mfa_required_roles = ["auditor", "hr_officer"]
        lockout_failures = 3
        lockout_minutes = 0
        password_min_length = 14
        session_minutes = 60
        session_expire_at_browser_close = true
        """,
    )
    auth = load_policy(path).auth
    assert auth.mfa_required_roles == ("auditor", "hr_officer")
    assert auth.lockout_failures == 3
    assert auth.lockout_minutes == 0
    assert auth.password_min_length == 14
    assert auth.session_minutes == 60
    assert auth.session_expire_at_browser_close is True


def test_an_empty_file_takes_the_default_auth_rules(tmp_path):
    assert load_policy(write_policy(tmp_path, "")).auth == load_policy(DEFAULT_POLICY_PATH).auth


def test_every_role_code_is_accepted(tmp_path):
    roles = ", ".join(f'"{code}"' for code in ROLE_CODES)
    auth = load_policy(write_policy(tmp_path, f"[auth]\nmfa_required_roles = [{roles}]\n")).auth
    assert auth.mfa_required_roles == ROLE_CODES


def test_the_policy_is_immutable():
    policy = load_policy(DEFAULT_POLICY_PATH)
    with pytest.raises(Exception):  # noqa: B017 - pydantic raises ValidationError for frozen models
        policy.auth.lockout_failures = 1


@pytest.mark.parametrize(
    ("body", "key", "value", "rule"),
    [
        ("lockout_failures = 0", "auth.lockout_failures", "0", "greater than or equal to 1"),
        ("lockout_failures = 101", "auth.lockout_failures", "101", "less than or equal to 100"),
        ("lockout_failures = -3", "auth.lockout_failures", "-3", "greater than or equal to 1"),
        ("lockout_failures = 2.5", "auth.lockout_failures", "2.5", "integer"),
        ("lockout_minutes = -1", "auth.lockout_minutes", "-1", "greater than or equal to 0"),
        ("password_min_length = 7", "auth.password_min_length", "7", "greater than or equal to 8"),
        ("password_min_length = 129", "auth.password_min_length", "129", "less than or equal to 128"),
        ("session_minutes = 4", "auth.session_minutes", "4", "greater than or equal to 5"),
        ('session_minutes = "eight hours"', "auth.session_minutes", "'eight hours'", "integer"),
        ("session_expire_at_browser_close = 3", "auth.session_expire_at_browser_close", "3", "boolean"),
        ('mfa_required_roles = ["wizard"]', "auth.mfa_required_roles", "wizard", "unknown role"),
        (
            'mfa_required_roles = ["security_officer", "chief_hacker"]',
            "auth.mfa_required_roles",
            "chief_hacker",
            "unknown role",
        ),
        ('mfa_required_roles = "executive"', "auth.mfa_required_roles", "'executive'", "tuple"),
    ],
)
def test_invalid_values_name_key_value_and_rule(tmp_path, body, key, value, rule):
    message = load_error(tmp_path, f"[auth]\n{body}\n")
    assert key in message
    assert value in message
    assert rule in message


@pytest.mark.parametrize("amber", [99, 95])
def test_acknowledgement_amber_line_must_be_below_the_target(tmp_path, amber):
    message = load_error(
        tmp_path,
        f"[regulation]\nacknowledgement_target_percent = 95\nacknowledgement_amber_percent = {amber}\n",
    )
    assert "acknowledgement_amber_percent" in message
    assert "must be below acknowledgement_target_percent (95)" in message


def test_acknowledgement_amber_line_just_below_the_target_is_accepted(tmp_path):
    path = write_policy(
        tmp_path, "[regulation]\nacknowledgement_target_percent = 95\nacknowledgement_amber_percent = 94\n"
    )
    assert load_policy(path).regulation.acknowledgement_amber_percent == 94


def test_unknown_role_lists_the_known_ones(tmp_path):
    message = load_error(tmp_path, '[auth]\nmfa_required_roles = ["wizard"]\n')
    for code in ROLE_CODES:
        assert code in message


def test_every_invalid_key_is_reported_at_once(tmp_path):
    message = load_error(tmp_path, "[auth]\nlockout_failures = 0\nsession_minutes = 1\n")
    assert "auth.lockout_failures = 0" in message
    assert "auth.session_minutes = 1" in message


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ("[auth]\nlockout_failure = 5\n", "auth.lockout_failure"),  # a typo must not be ignored
        ("[auth]\nmfa_roles = []\n", "auth.mfa_roles"),
        ("[authentication]\nlockout_failures = 5\n", "authentication"),
        ("colour = 'blue'\n", "colour"),
    ],
)
def test_unknown_keys_are_rejected(tmp_path, body, key):
    message = load_error(tmp_path, body)
    assert key in message
    assert "Extra inputs are not permitted" in message


def test_a_section_of_the_wrong_type_is_rejected(tmp_path):
    message = load_error(tmp_path, "auth = 3\n")
    assert "auth = 3" in message


@pytest.mark.parametrize(
    "body",
    [
        "[auth\nlockout_failures = 5\n",
        "[auth]\nlockout_failures = \n",
        "[auth]\nlockout_failures = 5\nlockout_failures = 6\n",
        "[auth]\nmfa_required_roles = ['executive'\n",
    ],
)
def test_bad_toml_is_reported_as_such(tmp_path, body):
    message = load_error(tmp_path, body)
    assert "not valid TOML" in message


def test_a_missing_file_names_the_variable_to_fix(tmp_path):
    missing = tmp_path / "nowhere.toml"
    with pytest.raises(PolicyError) as caught:
        load_policy(missing)
    assert str(missing) in str(caught.value)
    assert "does not exist" in str(caught.value)
    assert "WHITEWALL_POLICY" in str(caught.value)


def test_get_policy_reads_the_configured_file(settings):
    from whitewall.config.policy import get_policy

    assert get_policy() == load_policy(settings.WHITEWALL_POLICY_PATH)


@pytest.mark.parametrize(
    ("body", "key", "rule"),
    [
        ("guest_report_weight = 1", "wall.guest_report_weight", "less than 1"),
        ("guest_report_weight = 0", "wall.guest_report_weight", "greater than 0"),
        ('guest_reports = "sometimes"', "wall.guest_reports", "boolean"),
        ("reports_per_day_guest = 0", "wall.reports_per_day_guest", "greater than or equal to 1"),
        (
            "reports_per_day_guest = 10\nreports_per_day_ip = 5",
            "reports_per_day_ip",
            "must be at least reports_per_day_guest",
        ),
    ],
)
def test_guest_report_keys_are_validated(tmp_path, body, key, rule):
    message = load_error(tmp_path, f"[wall]\n{body}\n")
    assert key in message and rule in message


def test_guest_reports_are_on_by_default_and_weigh_less_than_a_new_user():
    from whitewall.config.policy import get_policy

    wall = get_policy().wall
    assert wall.guest_reports is True and 0 < wall.guest_report_weight < 1
