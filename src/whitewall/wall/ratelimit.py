"""Fixed-window rate limits kept in the shared cache (Redis, or the database cache without it).

``hit(scope, ident, limit, window)`` counts one attempt and says whether it is allowed. The cache
is shared by every web worker, so the limit holds however many processes serve the wall.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache


def _key(scope: str, ident: str, window: int) -> str:
    bucket = int(time.time()) // window
    digest = hashlib.sha256(ident.encode("utf-8")).hexdigest()[:32]
    return f"wall:rl:{scope}:{digest}:{bucket}"


def count(scope: str, ident: str, window: int) -> int:
    return cache.get(_key(scope, ident, window), 0)


def allowed(scope: str, ident: str, limit: int, window: int) -> bool:
    """True while fewer than ``limit`` attempts were counted in this window (does not count one)."""
    return not ident or count(scope, ident, window) < limit


def record(scope: str, ident: str, window: int) -> None:
    if not ident:
        return
    key = _key(scope, ident, window)
    if not cache.add(key, 1, timeout=window + 5):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=window + 5)


def reset(scope: str, ident: str, window: int) -> None:
    """Forget the attempts counted in this window (an operator lifting a limit; tests)."""
    if ident:
        cache.delete(_key(scope, ident, window))
