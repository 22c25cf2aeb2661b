"""The review module's only contact with sensitive-word screening (``whitewall.wall.screening``).

``screen_texts``/``screen_text`` screen text and return what a post or comment stores (action and
hits as JSON); ``hits_html`` renders stored hits over a text with the screening module's
highlighter.
"""

from __future__ import annotations

from dataclasses import asdict

from django.utils.safestring import SafeString

from whitewall.wall.screening import ACTIONS, Hit, highlight_html, screen_many
from whitewall.wall.screening.normalize import normalize

__all__ = ["ACTIONS", "hits_html", "screen_text", "screen_texts"]


def screen_texts(texts: list[str]) -> list[dict]:
    """Each text's ``{"action": "pass" | "flag" | "replace" | "review" | "block", "hits": [...],
    "text": <with replacements>}``, screened with one matcher."""
    return [
        {"action": result.action, "hits": [asdict(hit) for hit in result.hits], "text": result.text}
        for result in screen_many(texts)
    ]


def screen_text(text: str) -> dict:
    return screen_texts([text])[0]


def _int(value, default: int = -1) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def stored_hits(text: str, hits) -> list[Hit]:
    """Stored hits (JSON) as ``Hit``s over ``text``. A hit is kept only where ``text`` still holds its
    word at its offsets: hits stored for another field of the item (the title, the shown name) or
    for an earlier version of the text are left out."""
    usable = []
    for raw in hits or []:
        if not isinstance(raw, dict):
            continue
        start, end = _int(raw.get("start")), _int(raw.get("end"))
        if not 0 <= start < end <= len(text):
            continue
        word = str(raw.get("word", ""))
        if word and normalize(text[start:end]) != normalize(word):
            continue  # a hit in another field (title, name) or in an earlier version of the text
        action = raw.get("action") if raw.get("action") in ACTIONS else "flag"
        usable.append(
            Hit(
                word=word,
                word_id=_int(raw.get("word_id"), 0),
                list_name=str(raw.get("list_name") or raw.get("list") or ""),
                list_id=_int(raw.get("list_id"), 0),
                action=action,
                start=start,
                end=end,
                matched=text[start:end],
            )
        )
    return usable


def hits_html(text: str, hits) -> SafeString:
    """``text`` HTML-escaped with each stored hit in ``<mark class="ww-hit ww-hit-<action>">``."""
    text = text or ""
    return highlight_html(text, stored_hits(text, hits))
