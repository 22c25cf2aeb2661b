"""Permission names and the one question every restricted read asks.

Permissions are granted by object permissions (see accounts.models.ObjectPermission): an action on
a model, optionally limited by constraints. The authentication backend that implements them
answers ``permission_constraints(user, perm)``; core asks it without knowing where it lives.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.contrib.auth import get_backends
from django.db.models import Model, Q

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"


def permission_name(model: type[Model] | Model, action: str) -> str:
    meta = model._meta
    return f"{meta.app_label}.{action}_{meta.model_name}"


def permission_constraints(user, perm: str) -> Q | None:
    """A Q object selecting the rows ``user`` may act on with ``perm``; None when denied.

    ``Q()`` (empty) means every row.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Q()
    results: list[Q] = []
    for backend in get_backends():
        ask = getattr(backend, "permission_constraints", None)
        if ask is None:
            continue
        answer = ask(user, perm)
        if answer is None:
            continue
        if not answer:  # unconstrained grant
            return Q()
        results.append(answer)
    if not results:
        return None
    return reduce(or_, results)


def has_model_permission(user, model: type[Model] | Model, action: str) -> bool:
    return permission_constraints(user, permission_name(model, action)) is not None
