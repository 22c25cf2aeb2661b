"""The public wall's cache version: bumped on every change that a visitor could see.

Anonymous pages are cached under keys that carry the version they were rendered at
(``page_get``/``page_set``): one round trip to the cache fetches the current version and the stored
page together, and a page rendered before the latest bump is never served again.
"""

from django.core.cache import cache

WALL_VERSION_KEY = "wall:version"
PAGE_TIMEOUT = 300  # seconds; invalidation is by version, this only bounds memory


def wall_version() -> int:
    return cache.get_or_set(WALL_VERSION_KEY, 1, timeout=None)


def bump_wall_version() -> None:
    try:
        cache.incr(WALL_VERSION_KEY)
    except ValueError:
        cache.set(WALL_VERSION_KEY, 2, timeout=None)


def _page_key(name: str) -> str:
    return f"wall:page:{name}"


def page_get(name: str) -> tuple[bytes | None, int]:
    """(the cached page if it was rendered at the current version, the current version)."""
    key = _page_key(name)
    found = cache.get_many([WALL_VERSION_KEY, key])
    version = found.get(WALL_VERSION_KEY)
    if version is None:
        version = wall_version()
    stored = found.get(key)
    if stored is not None and stored[0] == version:
        return stored[1], version
    return None, version


def page_set(name: str, version: int, content: bytes) -> None:
    cache.set(_page_key(name), (version, content), timeout=PAGE_TIMEOUT)
