"""Settings from the environment, validated at start-up (design.md convention 10, issue 2 item 4).

Every case starts Django in a fresh subprocess with a controlled environment: the settings module
reads the environment once, at import, so it cannot be re-run inside the test process.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

SETTINGS = "whitewall.config.settings"
# Variables of the surrounding process (CI sets DATABASE_URL/REDIS_URL; pytest-django sets
# DJANGO_SETTINGS_MODULE and the test settings WHITEWALL_ENV) that must not leak into a case.
LEAKY_PREFIXES = ("WHITEWALL_", "DATABASE_URL", "REDIS_URL", "DJANGO_")

PRINT_SETTINGS = textwrap.dedent(
    """
    import json, django
    django.setup()
    from django.conf import settings
    names = {names!r}
    print(json.dumps({{n: getattr(settings, n, None) for n in names}}, default=str))
    """
)

SECURE_SETTING_NAMES = [
    "DEBUG",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_NAME",
    "ALLOWED_HOSTS",
    "LANGUAGE_COOKIE_SECURE",
    "ACCOUNT_DEFAULT_HTTP_PROTOCOL",
]


def a_secret_key() -> str:
    import secrets

    return secrets.token_urlsafe(64)


def a_fernet_key() -> str:
    return Fernet.generate_key().decode()


def clean_environ() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith(LEAKY_PREFIXES)}


@pytest.fixture
def workdir(tmp_path):
    """A working directory and a data directory of its own for each case."""
    (tmp_path / "data").mkdir()
    return tmp_path


def production_env(workdir: Path, **overrides: str | None) -> dict[str, str | None]:
    env: dict[str, str | None] = {
        "WHITEWALL_ENV": "production",
        "WHITEWALL_SECRET_KEY": a_secret_key(),
        "WHITEWALL_ENCRYPTION_KEYS": a_fernet_key(),
        "WHITEWALL_BLIND_INDEX_KEY": a_secret_key(),
        "WHITEWALL_AUDIT_KEY": a_secret_key(),
        "WHITEWALL_ALLOWED_HOSTS": "wall.example.com",
        "WHITEWALL_DATA_DIR": str(workdir / "data"),
    }
    env.update(overrides)
    return env


def run(workdir: Path, args: list[str], env: dict[str, str | None]) -> subprocess.CompletedProcess:
    environment = clean_environ()
    environment.setdefault("WHITEWALL_DATA_DIR", str(workdir / "data"))
    environment["DJANGO_SETTINGS_MODULE"] = SETTINGS
    for key, value in env.items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    return subprocess.run(
        args, cwd=workdir, env=environment, capture_output=True, text=True, timeout=120, check=False
    )


def run_python(workdir: Path, code: str, **env: str | None) -> subprocess.CompletedProcess:
    return run(workdir, [sys.executable, "-c", code], env)


def start_django(workdir: Path, names: list[str], **env: str | None) -> dict:
    result = run_python(workdir, PRINT_SETTINGS.format(names=names), **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def refuse(workdir: Path, **env: str | None) -> str:
    """Start Django; it must fail. Returns stderr."""
    result = run_python(workdir, "import django; django.setup(); print('STARTED')", **env)
    assert result.returncode != 0, f"started although it should not have:\n{result.stdout}"
    assert "STARTED" not in result.stdout
    return result.stderr


def whitewall_command() -> list[str]:
    script = Path(sys.executable).with_name("whitewall")
    return [str(script)] if script.exists() else [sys.executable, "-m", "whitewall"]


# --- production refuses an unsafe configuration --------------------------------------------------
def test_production_starts_with_explicit_keys_and_hosts(workdir):
    values = start_django(workdir, SECURE_SETTING_NAMES, **production_env(workdir))
    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == ["wall.example.com"]


@pytest.mark.parametrize("debug", ["on", "1", "true", "yes"])
def test_production_refuses_debug(workdir, debug):
    stderr = refuse(workdir, **production_env(workdir, WHITEWALL_DEBUG=debug))
    assert "WHITEWALL_DEBUG" in stderr
    assert "debug must be off" in stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("WHITEWALL_SECRET_KEY", None),
        ("WHITEWALL_SECRET_KEY", ""),
        ("WHITEWALL_ENCRYPTION_KEYS", None),
        ("WHITEWALL_ENCRYPTION_KEYS", " , "),
        ("WHITEWALL_ALLOWED_HOSTS", None),
        ("WHITEWALL_ALLOWED_HOSTS", ","),
    ],
)
def test_production_refuses_a_missing_variable(workdir, variable, value):
    stderr = refuse(workdir, **production_env(workdir, **{variable: value}))
    assert variable in stderr
    assert "<missing>" in stderr or "set" in stderr or "list" in stderr
    # Nothing was generated in its place.
    assert not (workdir / "data" / "keys").exists()


def test_production_refuses_a_weak_secret_key_without_printing_it(workdir):
    weak = "changeme-changeme"
    stderr = refuse(workdir, **production_env(workdir, WHITEWALL_SECRET_KEY=weak))
    assert "WHITEWALL_SECRET_KEY" in stderr
    assert "50" in stderr
    assert weak not in stderr


def test_production_refuses_a_bad_encryption_key_without_printing_it(workdir):
    bad = "this-is-not-a-fernet-key"
    stderr = refuse(workdir, **production_env(workdir, WHITEWALL_ENCRYPTION_KEYS=f"{a_fernet_key()},{bad}"))
    assert "WHITEWALL_ENCRYPTION_KEYS" in stderr
    assert "Fernet" in stderr
    assert bad not in stderr


def test_production_turns_on_secure_cookies_and_hsts(workdir):
    values = start_django(workdir, SECURE_SETTING_NAMES, **production_env(workdir))
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["LANGUAGE_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert values["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert values["ACCOUNT_DEFAULT_HTTP_PROTOCOL"] == "https"


def test_development_does_not_require_https(workdir):
    values = start_django(workdir, SECURE_SETTING_NAMES)
    assert values["DEBUG"] is True
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False
    assert not values["SECURE_HSTS_SECONDS"]


# --- invalid values name the variable and what is allowed ------------------------------------
@pytest.mark.parametrize(
    ("variable", "value", "allowed"),
    [
        ("WHITEWALL_ENV", "staging", "development, production, test"),
        ("WHITEWALL_DEBUG", "maybe", "on/off"),
        ("DATABASE_URL", "mysql://x", "postgres://"),
        ("DATABASE_URL", "whitewall.sqlite3", "sqlite://"),
        ("REDIS_URL", "http://127.0.0.1:6379/0", "redis://"),
        ("WHITEWALL_ENCRYPTION_KEYS", "bm90LWEta2V5", "Fernet key"),
        ("WHITEWALL_LOG_LEVEL", "LOUD", "DEBUG, INFO, WARNING, ERROR"),
        ("WHITEWALL_EMAIL_PORT", "smtp", "integer"),
    ],
)
def test_an_invalid_value_names_the_variable_and_what_is_allowed(workdir, variable, value, allowed):
    extra = {"WHITEWALL_EMAIL_HOST": "smtp.example.com"} if variable == "WHITEWALL_EMAIL_PORT" else {}
    stderr = refuse(workdir, **{variable: value}, **extra)
    assert variable in stderr
    assert allowed in stderr


@pytest.mark.parametrize(
    ("value", "allowed"), [("abc", "an integer is required"), ("70000", "from 1 to 65535"), ("0", "from 1")]
)
def test_get_int_names_the_variable_and_the_rule(workdir, value, allowed):
    code = textwrap.dedent(
        """
        from whitewall.config import env
        print(env.get_int("WHITEWALL_PORT", 8000, minimum=1, maximum=65535))
        """
    )
    result = run_python(workdir, code, WHITEWALL_PORT=value)
    assert result.returncode != 0
    assert "WHITEWALL_PORT" in result.stderr
    assert repr(value) in result.stderr
    assert allowed in result.stderr


def test_get_int_reads_a_valid_value_and_defaults(workdir):
    code = 'from whitewall.config import env; print(env.get_int("WHITEWALL_PORT", 8000, minimum=1, maximum=65535))'
    assert run_python(workdir, code, WHITEWALL_PORT=" 8123 ").stdout.strip() == "8123"
    assert run_python(workdir, code).stdout.strip() == "8000"


@pytest.mark.parametrize(
    ("args", "env", "variable"),
    [
        (["serve"], {"WHITEWALL_PORT": "abc"}, "WHITEWALL_PORT"),
        (["check"], {"WHITEWALL_ENV": "staging"}, "WHITEWALL_ENV"),
        (["check"], {"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        (["check"], {"WHITEWALL_ENV": "production"}, "WHITEWALL_SECRET_KEY"),
        (["migrate"], {"WHITEWALL_DEBUG": "perhaps"}, "WHITEWALL_DEBUG"),
    ],
)
def test_console_script_reports_a_configuration_error(workdir, args, env, variable):
    result = run(workdir, whitewall_command() + args, env)
    assert result.returncode != 0
    assert "configuration error" in result.stderr
    assert variable in result.stderr
    assert "Traceback" not in result.stderr, "a configuration error is a message, not a crash"


# --- development keys under the data directory ----------------------------------------------
def test_development_creates_private_keys_and_reuses_them(workdir):
    names = ["SECRET_KEY", "WHITEWALL_ENCRYPTION_KEYS"]
    keys = workdir / "data" / "keys"
    assert not keys.exists()

    first = start_django(workdir, names)
    secret_file, encryption_file = keys / "secret_key", keys / "encryption_key"
    for path in (secret_file, encryption_file):
        assert path.is_file()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, f"{path.name} must be readable by its owner only"
    assert secret_file.read_text().strip() == first["SECRET_KEY"]
    assert len(first["SECRET_KEY"]) >= 50
    assert first["WHITEWALL_ENCRYPTION_KEYS"] == [encryption_file.read_text().strip()]
    Fernet(first["WHITEWALL_ENCRYPTION_KEYS"][0])  # a usable key

    second = start_django(workdir, names)
    assert second == first, "the second start reuses the keys of the first"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600


def test_each_data_directory_gets_its_own_keys(workdir, tmp_path_factory):
    names = ["SECRET_KEY", "WHITEWALL_ENCRYPTION_KEYS"]
    other = tmp_path_factory.mktemp("other-data")
    first = start_django(workdir, names)
    second = start_django(workdir, names, WHITEWALL_DATA_DIR=str(other))
    assert first["SECRET_KEY"] != second["SECRET_KEY"]
    assert first["WHITEWALL_ENCRYPTION_KEYS"] != second["WHITEWALL_ENCRYPTION_KEYS"]


def test_development_prefers_explicit_keys(workdir):
    secret, key = a_secret_key(), a_fernet_key()
    values = start_django(
        workdir,
        ["SECRET_KEY", "WHITEWALL_ENCRYPTION_KEYS"],
        WHITEWALL_SECRET_KEY=secret,
        WHITEWALL_ENCRYPTION_KEYS=key,
        WHITEWALL_BLIND_INDEX_KEY=a_secret_key(),
        WHITEWALL_AUDIT_KEY=a_secret_key(),
    )
    assert values == {"SECRET_KEY": secret, "WHITEWALL_ENCRYPTION_KEYS": [key]}
    assert not (workdir / "data" / "keys").exists()


def test_data_dir_defaults_to_var_under_the_working_directory(workdir):
    values = start_django(workdir, ["DATA_DIR"], WHITEWALL_DATA_DIR=None)
    assert Path(values["DATA_DIR"]) == (workdir / "var").resolve()
    assert (workdir / "var" / "keys" / "secret_key").is_file()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(workdir):
    code = textwrap.dedent(
        """
        import django
        django.setup()
        from django.conf import settings
        from django.db import connection
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            print(cursor.fetchone()[0], settings.DATABASES["default"]["OPTIONS"]["timeout"])
        """
    )
    result = run_python(workdir, code)
    assert result.returncode == 0, result.stderr
    mode, timeout = result.stdout.split()
    assert mode == "wal"
    assert float(timeout) > 0
    assert (workdir / "data" / "whitewall.sqlite3").exists()


# --- the deploy check ------------------------------------------------------------------------
def test_production_passes_the_deploy_check_without_warnings(workdir):
    result = run(workdir, [*whitewall_command(), "check", "--deploy"], production_env(workdir))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output.upper()


def test_the_deploy_check_does_report_warnings_in_development(workdir):
    """Control for the test above: the check does see problems when there are some."""
    result = run(workdir, [*whitewall_command(), "check", "--deploy"], {})
    output = result.stdout + result.stderr
    assert "security.W018" in output  # DEBUG on


# --- the policy file is validated at start-up -------------------------------------------------
@pytest.mark.parametrize(
    ("body", "key", "value"),
    [
        ("[auth]\nlockout_failures = 0\n", "auth.lockout_failures", "0"),
        (
            '[auth]\nmfa_required_roles = ["security_officer", "wizard"]\n',
            "auth.mfa_required_roles",
            "wizard",
        ),
        ("[auth]\nsession_minutse = 30\n", "auth.session_minutse", "30"),
    ],
)
def test_an_invalid_policy_file_stops_start_up(workdir, body, key, value):
    policy = workdir / "policy.toml"
    policy.write_text(body, encoding="utf-8")
    stderr = refuse(workdir, WHITEWALL_POLICY=str(policy))
    assert "WHITEWALL_POLICY" in stderr
    assert key in stderr
    assert value in stderr

    result = run(workdir, [*whitewall_command(), "check"], {"WHITEWALL_POLICY": str(policy)})
    assert result.returncode != 0
    assert "configuration error" in result.stderr
    assert key in result.stderr


def test_a_missing_policy_file_stops_start_up(workdir):
    stderr = refuse(workdir, WHITEWALL_POLICY=str(workdir / "missing.toml"))
    assert "WHITEWALL_POLICY" in stderr
    assert "does not exist" in stderr


def test_a_valid_policy_file_drives_the_settings(workdir):
    policy = workdir / "policy.toml"
    policy.write_text(
        "[auth]\nlockout_failures = 3\nlockout_minutes = 0\nsession_minutes = 45\n"
        "password_min_length = 12\nsession_expire_at_browser_close = true\n",
        encoding="utf-8",
    )
    values = start_django(
        workdir,
        [
            "AXES_FAILURE_LIMIT",
            "AXES_COOLOFF_TIME",
            "SESSION_COOKIE_AGE",
            "SESSION_EXPIRE_AT_BROWSER_CLOSE",
            "AUTH_PASSWORD_VALIDATORS",
        ],
        WHITEWALL_POLICY=str(policy),
    )
    assert values["AXES_FAILURE_LIMIT"] == 3
    assert values["AXES_COOLOFF_TIME"] is None  # 0 minutes: locked until released
    assert values["SESSION_COOKIE_AGE"] == 45 * 60
    assert values["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True
    lengths = [
        v["OPTIONS"]["min_length"] for v in values["AUTH_PASSWORD_VALIDATORS"] if "MinimumLength" in v["NAME"]
    ]
    assert lengths == [12]
