"""The global search registry: each app registers what can be found; results are restricted."""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Model, Q


@dataclass(frozen=True)
class SearchEntry:
    model: type[Model]
    fields: tuple[str, ...]
    label: str


_registry: list[SearchEntry] = []


def register_search(model: type[Model], fields: tuple[str, ...], label: str) -> None:
    _registry.append(SearchEntry(model=model, fields=fields, label=label))


def search(user, query: str, limit: int = 10) -> list[dict]:
    query = query.strip()
    if len(query) < 1:
        return []
    results = []
    for entry in _registry:
        condition = reduce(or_, (Q(**{f"{name}__icontains": query}) for name in entry.fields))
        rows = list(entry.model.objects.restrict(user, "view").filter(condition)[: limit + 1])
        if rows:
            results.append(
                {
                    "label": entry.label,
                    "objects": rows[:limit],
                    "more": len(rows) > limit,
                    "model": entry.model,
                }
            )
    return results
