"""The console sidebar, filled by each app in its AppConfig.ready() (NetBox's navigation registry).

A user sees an item only when they hold its permission; a group with no visible item is hidden.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from whitewall.core.permissions import permission_constraints

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    permission: str | None = None  # e.g. "accounts.view_user"; None = every staff member
    icon: str = "circle"
    # A count shown next to the label (e.g. approvals waiting for the user): badge(user) -> int | None.
    # The sidebar loads it with htmx after the page (menu_badge), so pages pay no query for it.
    badge: Callable | None = None

    @property
    def has_badge(self) -> bool:
        return self.badge is not None

    def badge_for(self, user) -> int | None:
        if self.badge is None or not self.visible_to(user):
            return None
        try:
            value = self.badge(user)
        except Exception:  # a broken counter must never break the page
            logger.exception("menu badge of %s failed", self.url_name)
            return None
        return value or None

    def visible_to(self, user) -> bool:
        if self.permission is None:
            return user.is_authenticated
        return permission_constraints(user, self.permission) is not None

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass
class MenuGroup:
    key: str
    label: str
    icon: str
    weight: int = 100
    items: list[MenuItem] = field(default_factory=list)


_groups: dict[str, MenuGroup] = {}


def register_menu(key: str, label: str, icon: str, items: list[MenuItem], weight: int = 100) -> None:
    group = _groups.get(key)
    if group is None:
        _groups[key] = MenuGroup(key=key, label=label, icon=icon, weight=weight, items=list(items))
    else:
        group.items.extend(items)


def all_items() -> list[MenuItem]:
    return [item for group in _groups.values() for item in group.items]


def find_item(url_name: str) -> MenuItem | None:
    return next((item for item in all_items() if item.url_name == url_name), None)


def menu_badge(request, url_name: str):
    """The badge of one menu item for the current user (an htmx fragment; empty when none)."""
    from django.http import Http404, HttpResponse
    from django.utils.html import format_html

    item = find_item(url_name)
    if item is None or item.badge is None or not item.visible_to(request.user):
        raise Http404
    count = item.badge_for(request.user)
    if not count:
        return HttpResponse("")
    return HttpResponse(
        format_html(
            '<span class="badge rounded-pill text-bg-danger ms-auto" data-testid="menu-badge">{}</span>',
            count,
        )
    )


def menu_for(user) -> list[dict]:
    """The groups and items ``user`` may open, in weight order."""
    menu = []
    for group in sorted(_groups.values(), key=lambda g: (g.weight, g.key)):
        items = [item for item in group.items if item.visible_to(user)]
        if items:
            menu.append({"key": group.key, "label": group.label, "icon": group.icon, "items": items})
    return menu
