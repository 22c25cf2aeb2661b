"""The policy file: business tunables an organisation adapts, validated with pydantic.

Only the sections that the running modules need are declared; each module adds its own
section here as it arrives. An invalid file stops the program with the key, the value and the
rule it broke.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

DEFAULT_POLICY_PATH = Path(__file__).with_name("policy.default.toml")

ROLE_CODES = (
    "system_admin",
    "operations_manager",
    "operator",
    "content_reviewer",
    "tech_support",
    "marketing",
    "hr_officer",
    "finance_officer",
    "security_officer",
    "department_head",
    "executive",
    "auditor",
)


class PolicyError(Exception):
    """The policy file cannot be used; the message names key, value and rule."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AuthPolicy(_Section):
    mfa_required_roles: tuple[str, ...] = ("security_officer", "system_admin", "finance_officer", "executive")
    lockout_failures: int = Field(5, ge=1, le=100)
    lockout_minutes: int = Field(30, ge=0, le=60 * 24 * 30)
    password_min_length: int = Field(10, ge=8, le=128)
    session_minutes: int = Field(480, ge=5, le=60 * 24 * 30)
    session_expire_at_browser_close: bool = False

    @field_validator("mfa_required_roles")
    @classmethod
    def _known_roles(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [code for code in value if code not in ROLE_CODES]
        if unknown:
            raise ValueError(f"unknown role code(s) {', '.join(unknown)}; known: {', '.join(ROLE_CODES)}")
        return value


class Policy(_Section):
    auth: AuthPolicy = AuthPolicy()


def _format_error(path: Path, error: ValidationError) -> str:
    lines = [f"policy file {path} is invalid:"]
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"])
        value = item.get("input")
        lines.append(f"  {key} = {value!r}: {item['msg']}")
    return "\n".join(lines)


def load_policy(path: Path | str) -> Policy:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PolicyError(f"policy file {path} does not exist (WHITEWALL_POLICY)")
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"policy file {path} is not valid TOML: {exc}")
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        raise PolicyError(_format_error(path, exc))


@lru_cache(maxsize=1)
def get_policy() -> Policy:
    """The effective policy of this process (settings.WHITEWALL_POLICY_PATH)."""
    from django.conf import settings

    return load_policy(settings.WHITEWALL_POLICY_PATH)
