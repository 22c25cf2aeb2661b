"""Sensitive-word screening (clause 1.3.1): the service the wall calls on every post and comment.

API::

    from whitewall.wall.screening import screen, screen_many, highlight_html, word_lists_changed

    result = screen(text)                   # -> ScreenResult
    result.action      # "pass" | "flag" | "replace" | "review" | "block": the strongest hit's action
                       # (block > review > replace > flag); "pass" when nothing hit
    result.text        # the text with every "replace" hit rewritten (the list's replacement, or one
                       # "*" per original character); equal to the input when nothing was replaced
    result.hits        # tuple[Hit, ...] ordered by position; Hit(word, word_id, list_name, list_id,
                       # action, start, end, matched): start/end index the ORIGINAL text, so
                       # text[start:end] == matched, noise inside a hit included ("传*销")
    result.normalized  # the text as matched (traditional→simplified, widths, case, noise dropped)
    result.version     # the word-list version key the result was computed with
    result.highlighted()   # == highlight_html(original, hits): HTML-escaped, hits in <mark>
    screen_many(texts) # -> list[ScreenResult], one matcher look-up for the batch

    word_lists_changed  # django Signal, sent once per committed change to lists/words/whitelist
                        # with version=<new key>: connect to rescreen published content (in a job)

The matcher is built once per process and rebuilt when the shared version key changes (see
``screening.cache``). ``screen`` reads no database rows unless a rebuild is due, and at most one
cache key per second.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from whitewall.wall.screening.cache import get_matcher
from whitewall.wall.screening.matcher import Matcher, RawHit
from whitewall.wall.screening.normalize import normalize
from whitewall.wall.screening.signals import word_lists_changed

__all__ = ["ACTIONS", "Hit", "ScreenResult", "highlight_html", "screen", "screen_many", "word_lists_changed"]

# Weakest to strongest; the result's action is the strongest of its hits.
ACTIONS = ("pass", "flag", "replace", "review", "block")
_STRENGTH = {action: rank for rank, action in enumerate(ACTIONS)}


@dataclass(frozen=True, slots=True)
class Hit:
    word: str  # the word as it is stored in its list
    word_id: int
    list_name: str
    list_id: int
    action: str  # the word's own action, or its list's
    start: int  # span in the original text
    end: int
    matched: str  # original[start:end]


@dataclass(slots=True)  # not frozen: a frozen __init__ costs a few µs per screened text
class ScreenResult:
    original: str
    action: str
    text: str
    hits: tuple[Hit, ...] = ()
    normalized: str = ""
    version: str = ""

    @property
    def passed(self) -> bool:
        return self.action == "pass"

    @property
    def words(self) -> list[str]:
        """The distinct words hit, in order of first appearance."""
        return list(dict.fromkeys(hit.word for hit in self.hits))

    def highlighted(self) -> SafeString:
        return highlight_html(self.original, self.hits)


def _merge(spans: Iterable[tuple[int, int, object]]) -> list[tuple[int, int, list]]:
    """Merge overlapping spans [(start, end, payload)] → [(start, end, [payloads])]."""
    merged: list[tuple[int, int, list]] = []
    for start, end, payload in sorted(spans, key=lambda s: (s[0], -s[1])):
        if merged and start < merged[-1][1]:
            last_start, last_end, payloads = merged[-1]
            payloads.append(payload)
            merged[-1] = (last_start, max(last_end, end), payloads)
        else:
            merged.append((start, end, [payload]))
    return merged


def highlight_html(text: str, hits: Iterable[Hit]) -> SafeString:
    """``text`` HTML-escaped, each hit (overlapping hits merged) wrapped in
    ``<mark class="ww-hit ww-hit-<strongest action>" title="<list>: <word>, …">``."""
    out: list[str] = []
    position = 0
    for start, end, group in _merge((hit.start, hit.end, hit) for hit in hits):
        strongest = max(group, key=lambda h: _STRENGTH[h.action]).action
        title = "; ".join(dict.fromkeys(f"{h.list_name}: {h.word}" for h in group))
        out.append(escape(text[position:start]))
        out.append(
            f'<mark class="ww-hit ww-hit-{strongest}" title="{escape(title)}">{escape(text[start:end])}</mark>'
        )
        position = end
    out.append(escape(text[position:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped above


def _replace(text: str, hits: tuple[Hit, ...], replacements: dict[int, str]) -> str:
    spans = [(h.start, h.end, h) for h in hits if h.action == "replace"]
    if not spans:
        return text
    out: list[str] = []
    position = 0
    for start, end, group in _merge(spans):
        # The longest hit of a merged group decides the replacement text.
        longest = max(group, key=lambda h: h.end - h.start)
        replacement = replacements.get(longest.list_id) or "*" * (end - start)
        out.append(text[position:start])
        out.append(replacement)
        position = end
    out.append(text[position:])
    return "".join(out)


def _result(matcher: Matcher, text: str) -> ScreenResult:
    text = text or ""
    normalized = normalize(text)
    raw: list[RawHit] = matcher.find(text, normalized)
    if not raw:
        return ScreenResult(text, "pass", text, (), normalized, matcher.version)
    hits = tuple(
        Hit(
            r.entry.term,
            r.entry.word_id,
            r.entry.list_name,
            r.entry.list_id,
            r.entry.action,
            r.start,
            r.end,
            text[r.start : r.end],
        )
        for r in raw
    )
    action = max((h.action for h in hits), key=_STRENGTH.__getitem__)
    replacements = {r.entry.list_id: r.entry.replacement for r in raw if r.entry.replacement}
    return ScreenResult(text, action, _replace(text, hits, replacements), hits, normalized, matcher.version)


def screen(text: str) -> ScreenResult:
    """Screen one text against every active word list (see the module docstring)."""
    return _result(get_matcher(), text)


def screen_many(texts: Iterable[str]) -> list[ScreenResult]:
    """Screen several texts with one matcher (one version for the whole batch)."""
    matcher = get_matcher()
    return [_result(matcher, text) for text in texts]
