"""The clause-check registry: each module proves its clauses with live checks.

    @clause_check("4.2.3")
    def audit_chain_verifies() -> CheckResult:
        ...
        return CheckResult(Status.GREEN, _("The chain verifies."), evidence_url=...)

A clause with no registered check shows as "not built yet". A check that raises is reported as
red with the error, never hidden.

A check that can compute its result for a past moment reads the moment from ``as_of()`` and is
registered with ``historical=True``; only such checks are recomputed for earlier dates (demo data,
backfills). Every other check always describes the present.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils import timezone
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
_historical: set[str] = set()
_as_of: ContextVar[datetime.datetime | None] = ContextVar("clause_check_as_of", default=None)


def clause_check(code: str, *, historical: bool = False):
    """Register the check of clause ``code`` (one check per clause).

    ``historical=True`` declares that the check computes its result for ``as_of()``, so it may be
    recomputed truthfully for a past moment.
    """

    def register(function: Callable[[], CheckResult]):
        if code in _checks and _checks[code] is not function:
            raise ValueError(f"clause {code} already has a check: {_checks[code].__qualname__}")
        _checks[code] = function
        if historical:
            _historical.add(code)
        return function

    return register


def registered_codes() -> list[str]:
    return sorted(_checks)


def is_registered(code: str) -> bool:
    return code in _checks


def historical_codes() -> list[str]:
    return sorted(code for code in _historical if code in _checks)


def as_of() -> datetime.datetime:
    """The moment a check describes: now, or the past moment it is being recomputed for."""
    return _as_of.get() or timezone.now()


@contextlib.contextmanager
def evaluating_as_of(moment: datetime.datetime) -> Iterator[None]:
    token = _as_of.set(moment)
    try:
        yield
    finally:
        _as_of.reset(token)


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
