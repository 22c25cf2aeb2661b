"""The public wall's cache version: bumped on every change that a visitor could see."""

from django.core.cache import cache

WALL_VERSION_KEY = "wall:version"


def wall_version() -> int:
    return cache.get_or_set(WALL_VERSION_KEY, 1, timeout=None)


def bump_wall_version() -> None:
    try:
        cache.incr(WALL_VERSION_KEY)
    except ValueError:
        cache.set(WALL_VERSION_KEY, 2, timeout=None)
