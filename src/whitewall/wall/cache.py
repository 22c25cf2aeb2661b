"""The public wall's cache version: bumped on every change that a visitor could see.

Anonymous pages are cached under keys that carry the versions they were rendered at
(``page_get``/``page_set``): one round trip to the cache fetches the current versions and the
stored page together, and a page rendered before the latest bump is never served again. A post
page also depends on its own version (``bump_post_version``: a comment published or hidden), so
that a comment does not empty the cache of the whole wall.
"""

import time

from django.core.cache import cache

WALL_VERSION_KEY = "wall:version"
PAGE_TIMEOUT = 300  # seconds; invalidation is by version, this only bounds memory (and counters)
POST_PAGE_TIMEOUT = 60  # view and like counts on a cached post page are at most this old


def _fresh() -> int:
    # A version that was never used before (nanoseconds): after a cache flush or an eviction the
    # version starts from a new value, so no page kept from before can match it again.
    return time.time_ns()


def wall_version() -> int:
    return cache.get_or_set(WALL_VERSION_KEY, _fresh, timeout=None)


def bump_wall_version() -> None:
    try:
        cache.incr(WALL_VERSION_KEY)
    except ValueError:
        cache.set(WALL_VERSION_KEY, _fresh(), timeout=None)


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
