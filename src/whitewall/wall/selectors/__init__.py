"""Reads shared by the wall's pages, exports and API: ``posts`` (the public wall) and ``analytics``."""

from .posts import *  # noqa: F403
