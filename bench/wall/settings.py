"""Benchmark settings: the project's settings with one extra route, the bare view."""

from whitewall.config.settings import *  # noqa: F403

ROOT_URLCONF = "wall.urls"
