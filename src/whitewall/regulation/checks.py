"""The clause-check registry: each module proves its clauses with live checks.

    @clause_check("4.2.3")
    def audit_chain_verifies() -> CheckResult:
        ...
        return CheckResult(Status.GREEN, _("The chain verifies."), evidence_url=...)

A clause with no registered check shows as "not built yet". A check that raises is reported as
red with the error, never hidden.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class Status(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NOT_BUILT = "not_built"

    @property
    def label(self):
        return {
            Status.GREEN: _("Carried out"),
            Status.AMBER: _("Needs attention"),
            Status.RED: _("Not carried out"),
            Status.NOT_BUILT: _("Not built yet"),
        }[self]


@dataclass(frozen=True)
class CheckResult:
    status: Status
    explanation: str
    evidence_url: str | None = None
    figures: dict = field(default_factory=dict)


_checks: dict[str, Callable[[], CheckResult]] = {}


def clause_check(code: str):
    """Register the check of clause ``code`` (one check per clause)."""

    def register(function: Callable[[], CheckResult]):
        if code in _checks and _checks[code] is not function:
            raise ValueError(f"clause {code} already has a check: {_checks[code].__qualname__}")
        _checks[code] = function
        return function

    return register


def registered_codes() -> list[str]:
    return sorted(_checks)


def run_check(code: str) -> CheckResult:
    function = _checks.get(code)
    if function is None:
        return CheckResult(
            Status.NOT_BUILT, str(_("The module that carries out this clause is not built yet."))
        )
    try:
        return function()
    except Exception as exc:  # a broken check is red and says why
        logger.exception("clause check %s failed", code)
        return CheckResult(Status.RED, str(_("The check itself failed: %(error)s") % {"error": exc}))
