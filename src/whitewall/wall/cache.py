"""The public wall's cache version: bumped on every change that a visitor could see.

Anonymous pages are cached under keys that carry the versions they were rendered at
(``page_get``/``page_set``): one round trip to the cache fetches the current versions and the
stored page together, and a page rendered before the latest bump is never served again. A post
page also depends on its own version (``bump_post_version``: a comment published or hidden), so
that a comment does not empty the cache of the whole wall.

A job that changes many posts (the publishing job) runs inside ``bumps_once()``: every bump asked
for inside the block is deferred to the end of the outermost block and then made once, after
commit. A single save outside such a block bumps at once (after its own commit).
"""

import contextlib
import threading
import time

from django.core.cache import cache
from django.db import transaction

WALL_VERSION_KEY = "wall:version"
PAGE_TIMEOUT = 300  # seconds; invalidation is by version, this only bounds memory (and counters)
POST_PAGE_TIMEOUT = 60  # view and like counts on a cached post page are at most this old


def _fresh() -> int:
    # A version that was never used before (nanoseconds): after a cache flush or an eviction the
    # version starts from a new value, so no page kept from before can match it again.
    return time.time_ns()


def wall_version() -> int:
    return cache.get_or_set(WALL_VERSION_KEY, _fresh, timeout=None)


# Per thread: how deep inside ``bumps_once`` blocks we are, and whether a bump was asked for there.
_deferred = threading.local()


def _deferring() -> bool:
    return getattr(_deferred, "depth", 0) > 0


def bump_wall_version() -> None:
    """Move the wall's version on (at once; inside ``bumps_once``, once at the end of the block)."""
    if _deferring():
        _deferred.pending = True
        return
    try:
        cache.incr(WALL_VERSION_KEY)
    except ValueError:
        cache.set(WALL_VERSION_KEY, _fresh(), timeout=None)


def bump_wall_version_on_commit() -> None:
    """Bump after the current transaction commits (at once outside one); deferred in ``bumps_once``."""
    if _deferring():
        _deferred.pending = True
    else:
        transaction.on_commit(bump_wall_version)


@contextlib.contextmanager
def bumps_once():
    """Defer every wall-version bump inside the block to one bump when the outermost block ends.

    The one bump is registered with ``transaction.on_commit`` where the block ends: at once when no
    transaction is open there, else after that transaction commits (never if it rolls back).
    Usable as a decorator; blocks nest (only the outermost one bumps).
    """
    depth = getattr(_deferred, "depth", 0)
    if depth == 0:
        _deferred.pending = False
    _deferred.depth = depth + 1
    try:
        yield
    finally:
        _deferred.depth = depth
        if depth == 0 and _deferred.pending:
            _deferred.pending = False
            transaction.on_commit(bump_wall_version)


def _post_version_key(pk: int) -> str:
    return f"wall:postver:{pk}"


def bump_post_version(pk: int) -> None:
    key = _post_version_key(pk)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, _fresh(), timeout=None)


def _page_key(name: str) -> str:
    return f"wall:page:{name}"


# This process's copies of pages it has read or rendered, each with the versions it belongs to.
# The shared versions are read on every request, so a local copy is served only while it is
# current; it saves moving the page itself out of the shared cache on every hit.
_local: dict[str, tuple[tuple, bytes, float]] = {}
LOCAL_MAX = 2000


def page_get(name: str, post_pk: int | None = None) -> tuple[bytes | None, tuple]:
    """(the cached page if it was rendered at the current versions, the current versions)."""
    key = _page_key(name)
    keys = [WALL_VERSION_KEY]
    if post_pk is not None:
        keys.append(_post_version_key(post_pk))
    local = _local.get(name)
    if local is None:
        keys.append(key)
    found = cache.get_many(keys)
    version = found.get(WALL_VERSION_KEY)
    if version is None:
        version = wall_version()
    if post_pk is None:
        versions = (version,)
    else:
        post_version = found.get(_post_version_key(post_pk))
        if post_version is None:
            post_version = cache.get_or_set(_post_version_key(post_pk), _fresh, timeout=None)
        versions = (version, post_version)
    now = time.monotonic()
    if local is not None and local[0] == versions and local[2] > now:
        return local[1], versions
    stored = found.get(key) if local is None else cache.get(key)
    if stored is not None and stored[0] == versions:
        _remember(name, versions, stored[1], stored[2] if len(stored) > 2 else PAGE_TIMEOUT)
        return stored[1], versions
    return None, versions


def _remember(name: str, versions: tuple, content, timeout: int) -> None:
    if len(_local) >= LOCAL_MAX:
        _local.clear()
    _local[name] = (versions, content, time.monotonic() + min(timeout, PAGE_TIMEOUT) / 2)


def page_set(name: str, versions: tuple, content, timeout: int = PAGE_TIMEOUT) -> None:
    cache.set(_page_key(name), (versions, content, timeout), timeout=timeout)
    _remember(name, versions, content, timeout)
