"""The notification kinds registry: apps declare what they notify about, and on which channels.

``register_kind("approvals.decided", _("Approval decided"), default_channels=("inapp", "email"))``
from an app's registrations module. Users may turn each channel on or off per kind (their
preferences); group webhooks receive the kinds their endpoint subscribes to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

INAPP, EMAIL, WEBHOOK = "inapp", "email", "webhook"
CHANNELS = {INAPP: _("In-app"), EMAIL: _("E-mail"), WEBHOOK: _("Webhook")}
# Channels a user chooses per kind; webhooks are group robots, chosen per endpoint by administrators.
USER_CHANNELS = (INAPP, EMAIL)


@dataclass(frozen=True)
class NotificationKind:
    key: str
    label: Any
    default_channels: tuple[str, ...] = (INAPP,)
    description: Any = ""
    # False for kinds nobody subscribes to personally (e.g. a webhook test message).
    user_choosable: bool = True


_kinds: dict[str, NotificationKind] = {}


def register_kind(
    key: str,
    label: Any,
    *,
    default_channels: tuple[str, ...] = (INAPP,),
    description: Any = "",
    user_choosable: bool = True,
) -> NotificationKind:
    unknown = [channel for channel in default_channels if channel not in CHANNELS]
    if unknown:
        raise ValueError(
            f"unknown channel(s) {unknown} for notification kind {key!r}; known: {list(CHANNELS)}"
        )
    kind = NotificationKind(
        key=key,
        label=label,
        default_channels=tuple(default_channels),
        description=description,
        user_choosable=user_choosable,
    )
    _kinds[key] = kind
    return kind


def get_kind(key: str) -> NotificationKind:
    try:
        return _kinds[key]
    except KeyError:
        raise ValueError(f"unknown notification kind {key!r}; register it with register_kind()")


def kinds() -> list[NotificationKind]:
    return sorted(_kinds.values(), key=lambda kind: kind.key)


def kind_label(key: str) -> Any:
    kind = _kinds.get(key)
    return kind.label if kind else key
