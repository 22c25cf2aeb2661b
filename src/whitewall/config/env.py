"""Reading settings from the environment, failing fast with a message that says what to set.

Every variable the project reads is declared here once (name, meaning, default), so that the
README table and the error messages come from one place.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}


class EnvError(ImproperlyConfigured):
    """A variable is missing or has a value that is not allowed."""

    def __init__(self, name: str, value: str | None, allowed: str):
        self.name = name
        self.value = value
        self.allowed = allowed
        shown = "<missing>" if value is None else repr(value)
        super().__init__(f"{name}={shown} is not valid: {allowed}.")


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None:
        return None
    return value.strip()


def get_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = _raw(name)
    if value in (None, ""):
        if required:
            raise EnvError(name, value, "a value must be set")
        return default
    return value


def get_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in TRUE_VALUES:
        return True
    if lowered in FALSE_VALUES:
        return False
    raise EnvError(name, value, "use one of 1/0, true/false, yes/no, on/off")


def get_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    value = _raw(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        raise EnvError(name, value, "an integer is required")
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise EnvError(name, value, f"an integer from {minimum} to {maximum} is required")
    return number


def get_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = _raw(name)
    if value in (None, ""):
        return default
    if value not in choices:
        raise EnvError(name, value, "allowed values are " + ", ".join(choices))
    return value


def get_list(name: str, default: list[str] | None = None) -> list[str]:
    value = _raw(name)
    if value in (None, ""):
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def get_path(name: str, default: Path) -> Path:
    value = _raw(name)
    path = Path(value) if value else default
    return path.expanduser().resolve()


def get_url(name: str, schemes: tuple[str, ...]) -> str | None:
    value = _raw(name)
    if value in (None, ""):
        return None
    scheme = value.split("://", 1)[0] if "://" in value else ""
    if scheme not in schemes:
        raise EnvError(name, value, "a URL starting with " + " or ".join(f"{s}://" for s in schemes))
    return value


def read_or_create_secret(path: Path, make: Callable[[], str]) -> str:
    """Development only: keep a generated secret under the data directory (mode 600)."""
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    # Write a private temporary file, then link it into place: a process starting at the same
    # moment either wins the link or reads the complete file the winner wrote.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    try:
        os.link(temporary, path)
    except FileExistsError:
        value = path.read_text(encoding="utf-8").strip()
    finally:
        temporary.unlink(missing_ok=True)
    return value


# The documented variables: name -> (meaning, default). The README table is generated from this.
VARIABLES: dict[str, tuple[str, Any]] = {
    "WHITEWALL_ENV": ("development, production or test", "development"),
    "WHITEWALL_DEBUG": ("Django debug pages; refused in production", "on in development"),
    "WHITEWALL_SECRET_KEY": ("Django secret key; required in production", "generated under the data dir"),
    "WHITEWALL_ENCRYPTION_KEYS": (
        "Fernet keys for encrypted fields, comma-separated, newest first; required in production",
        "generated under the data dir",
    ),
    "WHITEWALL_BLIND_INDEX_KEY": (
        "HMAC key (32+ characters) of the blind indexes that find encrypted values; required in production",
        "generated under the data dir",
    ),
    "WHITEWALL_AUDIT_KEY": (
        "HMAC key of the audit chain and its checkpoints (at least 32 characters); required in production",
        "generated under the data dir",
    ),
    "WHITEWALL_ALLOWED_HOSTS": ("host names served, comma-separated; required in production", "localhost"),
    "WHITEWALL_CSRF_TRUSTED_ORIGINS": ("origins trusted for CSRF, e.g. https://wall.example.com", "none"),
    "WHITEWALL_DATA_DIR": ("where the database, queue, uploads and keys live", "./var"),
    "WHITEWALL_PORT": ("port of `make run`", "8000"),
    "WHITEWALL_DEMO_PASSWORD": ("password of every demo account", "printed at start"),
    "WHITEWALL_POLICY": ("path of the organisation's policy file (TOML)", "the shipped default"),
    "WHITEWALL_TRUSTED_PROXIES": ("proxy addresses whose X-Forwarded-For is believed", "none"),
    "WHITEWALL_LOG_LEVEL": ("DEBUG, INFO, WARNING or ERROR", "INFO"),
    "DATABASE_URL": ("PostgreSQL URL, e.g. postgres://user@host:5432/whitewall", "SQLite in the data dir"),
    "REDIS_URL": ("Redis URL for queue, cache and rate limits, e.g. redis://127.0.0.1:6379/0", "none"),
    "WHITEWALL_EMAIL_HOST": ("SMTP server; without it mail is printed to the console", "none"),
    "WHITEWALL_EMAIL_PORT": ("SMTP port", "587"),
    "WHITEWALL_EMAIL_USER": ("SMTP user", "none"),
    "WHITEWALL_EMAIL_PASSWORD": ("SMTP password", "none"),
    "WHITEWALL_EMAIL_TLS": ("STARTTLS on the SMTP connection", "on"),
    "WHITEWALL_FROM_EMAIL": ("sender address of mail", "whitewall@localhost"),
}
