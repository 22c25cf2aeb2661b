"""The review module's only contact with sensitive-word screening (``whitewall.wall.screening``).

``screen_text``/``screen_texts`` screen text and return what a post or comment stores (action and
hits as JSON); ``hits_html`` renders stored hits over a text.
"""

from __future__ import annotations

from dataclasses import asdict

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ACTIONS = ("pass", "flag", "replace", "review", "block")


def _result(result) -> dict:
    return {"action": result.action, "hits": [asdict(hit) for hit in result.hits], "text": result.text}


def screen_texts(texts: list[str]) -> list[dict]:
    """Each text's ``{"action": "pass" | "flag" | "replace" | "review" | "block", "hits": [...],
    "text": <with replacements>}``, screened with one matcher."""
    try:
        from whitewall.wall.screening import screen_many
    except ImportError:  # screening not installed: nothing is matched
        return [{"action": "pass", "hits": [], "text": text} for text in texts]
    return [_result(result) for result in screen_many(texts)]


def screen_text(text: str) -> dict:
    return screen_texts([text])[0]


def _usable(text: str, hits) -> list[dict]:
    usable = []
    for raw in hits or []:
        if not isinstance(raw, dict):
            continue
        try:
            start, end = int(raw.get("start", -1)), int(raw.get("end", -1))
        except (TypeError, ValueError):
            continue
        if 0 <= start < end <= len(text):  # a hit that no longer fits the text (edited since) is left out
            action = raw.get("action") if raw.get("action") in ACTIONS else "flag"
            usable.append({**raw, "start": start, "end": end, "action": action})
    return sorted(usable, key=lambda hit: (hit["start"], -hit["end"]))


def hits_html(text: str, hits) -> SafeString:
    """``text`` HTML-escaped, each stored hit wrapped in ``<mark class="ww-hit ww-hit-<action>">``
    (overlapping hits merged, the strongest action wins)."""
    text = text or ""
    out, position, merged = [], 0, []
    for hit in _usable(text, hits):
        if merged and hit["start"] < merged[-1][1]:
            start, end, group = merged[-1]
            merged[-1] = (start, max(end, hit["end"]), [*group, hit])
        else:
            merged.append((hit["start"], hit["end"], [hit]))
    for start, end, group in merged:
        strongest = max((h["action"] for h in group), key=ACTIONS.index)
        title = "; ".join(dict.fromkeys(f"{h.get('list_name', '')}: {h.get('word', '')}" for h in group))
        out.append(escape(text[position:start]))
        out.append(
            f'<mark class="ww-hit ww-hit-{strongest}" title="{escape(title)}">{escape(text[start:end])}</mark>'
        )
        position = end
    out.append(escape(text[position:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above
