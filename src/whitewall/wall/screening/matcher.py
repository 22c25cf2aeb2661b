"""The Aho-Corasick matcher over normalised text (``ahocorasick-rs``, on UTF-8 bytes).

One automaton holds every word of every active list and every whitelisted term. A search reports
all matches, overlapping ones included; then

- a word hit lying wholly inside a whitelisted match is dropped (``传销举报热线`` whitelisted keeps
  ``传销`` inside it from counting, while ``传销`` elsewhere in the same text still counts);
- a word that starts or ends with a Latin letter must not continue a Latin word in the original
  text (``sex`` does not hit ``Essex``; ``s-e-x``, ``ｓｅｘ`` and ``加qq123`` for ``qq`` still do);
- each remaining hit is mapped back to its span in the original text.
"""

from __future__ import annotations

from dataclasses import dataclass

import ahocorasick_rs
import numpy as np

from whitewall.wall.screening.normalize import kept_positions, normalize, to_original


@dataclass(frozen=True, slots=True)
class Entry:
    """One word of one list, as the matcher needs it."""

    word_id: int
    term: str
    list_id: int
    list_name: str
    action: str
    replacement: str


@dataclass(frozen=True, slots=True)
class RawHit:
    entry: Entry
    start: int  # in the original text
    end: int
    normalized: str


def _latin_edge(char: str) -> bool:
    return char.isascii() and char.isalpha()


class Matcher:
    """An immutable automaton over the words and whitelist of one version."""

    def __init__(self, entries: list[tuple[str, Entry]], whitelist: list[str], version: str = "") -> None:
        self.version = version
        patterns: dict[str, int] = {}
        by_pattern: list[list[Entry]] = []
        whitelisted: list[bool] = []
        for normalized, entry in entries:
            if not normalized:
                continue
            index = patterns.setdefault(normalized, len(patterns))
            if index == len(by_pattern):
                by_pattern.append([])
                whitelisted.append(False)
            by_pattern[index].append(entry)
        for normalized in whitelist:
            if not normalized:
                continue
            index = patterns.setdefault(normalized, len(patterns))
            if index == len(by_pattern):
                by_pattern.append([])
                whitelisted.append(False)
            whitelisted[index] = True
        self.patterns = list(patterns)
        self.by_pattern = by_pattern
        self.whitelisted = whitelisted
        self.word_count = sum(len(e) for e in by_pattern)
        self.whitelist_count = sum(whitelisted)
        self._latin = [(_latin_edge(p[0]), _latin_edge(p[-1])) for p in self.patterns]
        self._automaton = (
            ahocorasick_rs.BytesAhoCorasick([p.encode() for p in self.patterns]) if self.patterns else None
        )

    def find(self, original: str, normalized: str | None = None) -> list[RawHit]:
        """Every hit of a word in ``original`` (after the whitelist), ordered by position."""
        if self._automaton is None or not original:
            return []
        if normalized is None:
            normalized = normalize(original)
        data = normalized.encode()
        found = self._automaton.find_matches_as_indexes(data, overlapping=True)
        if not found:
            return []
        # Byte offsets → character offsets in the normalised text.
        if len(data) == len(normalized):
            char_of = None
        else:
            is_start = (np.frombuffer(data, dtype=np.uint8) & 0xC0) != 0x80
            char_of = np.cumsum(is_start) - 1
        spans = []
        white = []
        for index, bstart, bend in found:
            if char_of is None:
                start, end = bstart, bend
            else:
                start, end = int(char_of[bstart]), int(char_of[bend - 1]) + 1
            if self.whitelisted[index]:
                white.append((start, end))
            if self.by_pattern[index]:
                spans.append((index, start, end))
        positions = kept_positions(original)
        hits: list[RawHit] = []
        for index, start, end in spans:
            if any(ws <= start and end <= we for ws, we in white):
                continue
            orig_start, orig_end = to_original(positions, start, end)
            latin_first, latin_last = self._latin[index]
            if latin_first and orig_start > 0 and _latin_edge(normalize(original[orig_start - 1]) or " "):
                continue
            if latin_last and orig_end < len(original) and _latin_edge(normalize(original[orig_end]) or " "):
                continue
            for entry in self.by_pattern[index]:
                hits.append(RawHit(entry, orig_start, orig_end, self.patterns[index]))
        hits.sort(key=lambda h: (h.start, -h.end, h.entry.list_name))
        return hits
