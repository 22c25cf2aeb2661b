"""Object-permission constraints: structure, placeholders and conversion to a query."""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django.core.exceptions import FieldError, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

PLACEHOLDERS = ("$user", "$department")


def _as_list(constraints: Any) -> list[dict]:
    if constraints in (None, {}, []):
        return []
    if isinstance(constraints, dict):
        return [constraints]
    return list(constraints)


def validate_constraints(constraints: Any, models=()) -> None:
    if constraints in (None, {}, []):
        return
    items = [constraints] if isinstance(constraints, dict) else constraints
    if not isinstance(items, list) or not all(isinstance(item, dict) and item for item in items):
        raise ValidationError(
            {"constraints": _("Constraints must be an object of field lookups, or a list of such objects.")}
        )
    for item in items:
        for key in item:
            if not isinstance(key, str) or not key.replace("__", "_").isidentifier():
                raise ValidationError({"constraints": _("%(key)s is not a field lookup.") % {"key": key}})
    for model in models:
        for item in items:
            try:
                model._default_manager.filter(**substitute(item, user_id=0, department_id=0)).query  # noqa: B018
            except (FieldError, ValueError, TypeError) as exc:
                raise ValidationError(
                    {
                        "constraints": _("Does not apply to %(model)s: %(error)s")
                        % {"model": model._meta.verbose_name, "error": exc}
                    }
                )


def substitute(value: Any, *, user_id: int | None, department_id: int | None) -> Any:
    if isinstance(value, dict):
        return {
            key: substitute(item, user_id=user_id, department_id=department_id) for key, item in value.items()
        }
    if isinstance(value, list):
        return [substitute(item, user_id=user_id, department_id=department_id) for item in value]
    if value == "$user":
        return user_id
    if value == "$department":
        return department_id
    return value


def to_q(constraints: Any, *, user_id: int | None, department_id: int | None) -> Q:
    """Q for one permission's constraints; Q() when unconstrained."""
    items = _as_list(constraints)
    if not items:
        return Q()
    return reduce(
        or_, (Q(**substitute(item, user_id=user_id, department_id=department_id)) for item in items)
    )
