"""A small, safe evaluator for the policy's structured tier conditions (never ``eval``).

A condition is ``{field, op, value}``; the field is read from the document through its
``approval_field(name)`` hook. A missing field or values that cannot be compared make the
condition false (the tier does not apply) and are reported, never raised at the reviewer.
"""

from __future__ import annotations

import operator
from decimal import Decimal, InvalidOperation
from typing import Any

_COMPARE = {
    "==": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}

MISSING = object()


def _number(value: Any):
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return None
    return None


def _same_kind(left: Any, right: Any):
    """Bring both sides to comparable values: numbers as Decimal, everything else as text."""
    left_number, right_number = _number(left), _number(right)
    if left_number is not None and right_number is not None and not isinstance(right, str):
        return left_number, right_number
    if isinstance(left, bool) or isinstance(right, bool):
        return left, right
    return ("" if left is None else str(getattr(left, "pk", left))), str(right)


def evaluate(condition: dict, value: Any) -> bool:
    """Does ``value`` (the document's field) satisfy ``condition``?"""
    op, expected = condition["op"], condition["value"]
    if value is MISSING:
        return False
    if op in ("in", "not in"):
        found = any(_pair_equal(value, item) for item in expected)
        return found if op == "in" else not found
    if op in (">", ">=", "<", "<="):
        number = _number(value)
        if number is None:
            return False
        return _COMPARE[op](number, Decimal(str(expected)))
    left, right = _same_kind(value, expected)
    return _COMPARE[op](left, right)


def _pair_equal(value: Any, item: Any) -> bool:
    left, right = _same_kind(value, item)
    return left == right


def read_field(document, name: str) -> Any:
    """Follow a dotted path of attributes; MISSING when any step is absent."""
    current = document
    for part in name.split("."):
        if part.startswith("_"):
            return MISSING
        current = getattr(current, part, MISSING)
        if current is MISSING:
            return MISSING
        if current is None:
            return None
    if callable(current):
        return MISSING
    return current


def all_hold(document, conditions: list[dict]) -> bool:
    return all(evaluate(condition, document.approval_field(condition["field"])) for condition in conditions)
