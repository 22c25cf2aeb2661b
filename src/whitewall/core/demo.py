"""Demo data registry: each app registers a seeder; ``whitewall seed_demo`` runs them in order."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_DEMO_PASSWORD = "whitewall-demo-2026"


def demo_password() -> str:
    return os.environ.get("WHITEWALL_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


@dataclass(frozen=True)
class Seeder:
    key: str
    weight: int
    run: Callable[[], str]  # returns a one-line summary


_seeders: dict[str, Seeder] = {}


def register_seeder(key: str, run: Callable[[], str], weight: int = 100) -> None:
    _seeders[key] = Seeder(key=key, weight=weight, run=run)


def seeders() -> list[Seeder]:
    return sorted(_seeders.values(), key=lambda s: (s.weight, s.key))
