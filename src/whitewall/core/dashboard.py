"""Console home cards: each app registers a function that returns figures for a user, or None."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Widget:
    key: str
    weight: int
    render: Callable  # (request) -> dict | None: {"title", "figures": [(label, value, url)], "template"?}


_widgets: dict[str, Widget] = {}


def register_widget(key: str, render: Callable, weight: int = 100) -> None:
    _widgets[key] = Widget(key=key, weight=weight, render=render)


def widgets_for(request) -> list[dict]:
    cards = []
    for widget in sorted(_widgets.values(), key=lambda w: (w.weight, w.key)):
        card = widget.render(request)
        if card:
            cards.append(card)
    return cards
