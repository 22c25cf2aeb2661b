"""The public wall's cache version: bumped on every change that a visitor could see.

Anonymous pages are cached under keys that carry the versions they were rendered at
(``page_get``/``page_set``): one round trip to the cache fetches the current versions and the
stored page together, and a page rendered before the latest bump is never served again. A post
page also depends on its own version (``bump_post_version``: a comment published or hidden), so
that a comment does not empty the cache of the whole wall.
"""

from django.core.cache import cache

WALL_VERSION_KEY = "wall:version"
PAGE_TIMEOUT = 300  # seconds; invalidation is by version, this only bounds memory (and counters)
POST_PAGE_TIMEOUT = 60  # view and like counts on a cached post page are at most this old


def wall_version() -> int:
    return cache.get_or_set(WALL_VERSION_KEY, 1, timeout=None)


def bump_wall_version() -> None:
    try:
        cache.incr(WALL_VERSION_KEY)
    except ValueError:
        cache.set(WALL_VERSION_KEY, 2, timeout=None)


def _post_version_key(pk: int) -> str:
    return f"wall:postver:{pk}"


def bump_post_version(pk: int) -> None:
    key = _post_version_key(pk)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=None)


def _page_key(name: str) -> str:
    return f"wall:page:{name}"


def page_get(name: str, post_pk: int | None = None) -> tuple[bytes | None, tuple]:
    """(the cached page if it was rendered at the current versions, the current versions)."""
    key = _page_key(name)
    keys = [WALL_VERSION_KEY, key]
    if post_pk is not None:
        keys.append(_post_version_key(post_pk))
    found = cache.get_many(keys)
    version = found.get(WALL_VERSION_KEY)
    if version is None:
        version = wall_version()
    versions = (version,) if post_pk is None else (version, found.get(_post_version_key(post_pk), 0))
    stored = found.get(key)
    if stored is not None and stored[0] == versions:
        return stored[1], versions
    return None, versions


def page_set(name: str, versions: tuple, content, timeout: int = PAGE_TIMEOUT) -> None:
    cache.set(_page_key(name), (versions, content), timeout=timeout)
