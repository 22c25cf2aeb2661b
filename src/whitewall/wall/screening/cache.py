"""One matcher per process, rebuilt everywhere when any list changes — by a version key, not a restart.

The version key lives in the shared cache (Redis when ``REDIS_URL`` is set, else the database
cache: never per-process memory), so every web worker and queue consumer sees the same value.
A change to a list, a word or the whitelist bumps it when its transaction commits. Each process
compares its matcher's version with the shared one at most once per ``CHECK_INTERVAL`` seconds
(one cache read) and rebuilds from the database when they differ.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid

from django.core.cache import cache
from django.db import connection, transaction

from whitewall.wall.screening.matcher import Entry, Matcher
from whitewall.wall.screening.normalize import normalize
from whitewall.wall.screening.signals import word_lists_changed

logger = logging.getLogger(__name__)

VERSION_KEY = "wall:words:version"
CHECK_INTERVAL = 1.0  # seconds between two reads of the shared version key in one process

_lock = threading.Lock()
_matcher: Matcher | None = None
_checked_at = float("-inf")


def shared_version() -> str:
    """The current version key (created on first use)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump_version() -> str:
    """Give the word lists a new version: every process rebuilds its matcher on its next check."""
    global _checked_at
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY, version, timeout=None)
    _checked_at = float("-inf")  # this process sees its own change at once
    return version


def build_matcher(version: str = "") -> Matcher:
    """A matcher over every word of every active list, and the whitelist, as stored now."""
    from whitewall.wall.models import WhitelistTerm, Word

    rows = Word.objects.filter(word_list__is_active=True).values_list(
        "pk",
        "term",
        "action",
        "word_list_id",
        "word_list__name",
        "word_list__action",
        "word_list__replacement",
    )
    entries = [
        (normalize(term), Entry(pk, term, list_id, list_name, action or list_action, replacement))
        for pk, term, action, list_id, list_name, list_action, replacement in rows.iterator(chunk_size=5000)
    ]
    whitelist = [normalize(term) for term in WhitelistTerm.objects.values_list("term", flat=True)]
    return Matcher(entries, whitelist, version)


def get_matcher() -> Matcher:
    """This process's matcher, rebuilt first if the shared version moved on."""
    global _matcher, _checked_at
    now = time.monotonic()
    if _matcher is not None and now - _checked_at < CHECK_INTERVAL:
        return _matcher
    with _lock:
        if _matcher is not None and time.monotonic() - _checked_at < CHECK_INTERVAL:
            return _matcher
        version = shared_version()  # read before the rows: a change meanwhile triggers a rebuild next time
        if _matcher is None or _matcher.version != version:
            started = time.perf_counter()
            _matcher = build_matcher(version)
            logger.info(
                "sensitive-word matcher built: %d words, %d whitelisted, version %s, %.0f ms",
                _matcher.word_count,
                _matcher.whitelist_count,
                version,
                (time.perf_counter() - started) * 1000,
            )
        _checked_at = time.monotonic()
        return _matcher


def forget_local() -> None:
    """Drop this process's matcher and check time (tests; a process that must re-read at once)."""
    global _matcher, _checked_at
    with _lock:
        _matcher = None
        _checked_at = float("-inf")


def _committed() -> None:
    version = bump_version()
    word_lists_changed.send(sender=_word_list_model(), version=version)


def _word_list_model():
    from whitewall.wall.models import WordList

    return WordList


class _OnCommit:
    """The on-commit callback of one transaction (knows whether it ran, for the check below)."""

    __slots__ = ("done",)
    __qualname__ = "word_lists_on_commit"

    def __init__(self) -> None:
        self.done = False

    def __call__(self) -> None:
        self.done = True
        _committed()


def mark_changed() -> None:
    """Record that lists changed in the current transaction: on commit, bump the version once and
    send ``word_lists_changed`` once, however many rows the transaction touched."""
    if connection.in_atomic_block and any(
        isinstance(func, _OnCommit) and not func.done for _sids, func, *_rest in connection.run_on_commit
    ):
        return
    transaction.on_commit(_OnCommit())
