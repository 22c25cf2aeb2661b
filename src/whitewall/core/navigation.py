"""The console sidebar, filled by each app in its AppConfig.ready() (NetBox's navigation registry).

A user sees an item only when they hold its permission; a group with no visible item is hidden.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse

from whitewall.core.permissions import permission_constraints


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    permission: str | None = None  # e.g. "accounts.view_user"; None = every staff member
    icon: str = "circle"

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


def menu_for(user) -> list[dict]:
    """The groups and items ``user`` may open, in weight order."""
    menu = []
    for group in sorted(_groups.values(), key=lambda g: (g.weight, g.key)):
        items = [item for item in group.items if item.visible_to(user)]
        if items:
            menu.append({"key": group.key, "label": group.label, "icon": group.icon, "items": items})
    return menu
