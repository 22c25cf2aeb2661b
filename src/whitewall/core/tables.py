"""Table columns for list views and exports: one declaration serves the page, CSV and Excel."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.utils import formats, timezone
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe

from whitewall.core.urls_helpers import object_url


def _resolve(obj: Any, accessor: str) -> Any:
    value = obj
    for part in accessor.split("__"):
        if value is None:
            return None
        value = getattr(value, part)
        if callable(value) and not isinstance(value, Model) and not hasattr(value, "all"):
            value = value()
    return value


@dataclass
class Column:
    name: str
    label: Any = None
    accessor: str | None = None
    order_by: str | None = None  # field path to sort on; None = not sortable
    linkify: bool = False
    render: Callable[[Any], Any] | None = None  # obj -> display value (may be HTML-safe)

    def __post_init__(self):
        if self.accessor is None:
            self.accessor = self.name

    def bind_label(self, model: type[Model]) -> Any:
        if self.label is not None:
            return self.label
        try:
            return model._meta.get_field(self.name.split("__")[0]).verbose_name
        except Exception:
            return self.name

    def raw(self, obj: Any) -> Any:
        value = _resolve(obj, self.accessor)
        if hasattr(value, "all") and callable(value.all):
            return ", ".join(str(item) for item in value.all())
        return value

    def export_value(self, obj: Any) -> Any:
        if self.render is not None:
            return " ".join(strip_tags(str(self.render(obj))).split())
        value = self.raw(obj)
        if value is None:
            return ""
        if isinstance(value, bool):
            return "✓" if value else ""
        if hasattr(value, "tzinfo") and hasattr(value, "hour") and value.tzinfo is not None:
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        if isinstance(value, (int, float)):
            return value
        display = getattr(obj, f"get_{self.name}_display", None)
        if display is not None and self.accessor == self.name:
            return str(display())
        return str(value)

    def html(self, obj: Any) -> Any:
        if self.render is not None:
            return self.render(obj)
        value = self.raw(obj)
        display = getattr(obj, f"get_{self.name}_display", None)
        if display is not None and self.accessor == self.name:
            value = display()
        if isinstance(value, bool):
            icon = "check-circle-fill text-success" if value else "dash text-muted"
            return format_html('<i class="bi bi-{}" aria-label="{}"></i>', icon, "yes" if value else "no")
        if value is None or value == "":
            return mark_safe('<span class="text-muted">—</span>')  # noqa: S308 - constant
        if hasattr(value, "hour") and hasattr(value, "tzinfo"):
            value = formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
        elif hasattr(value, "year") and hasattr(value, "month"):
            value = formats.date_format(value, "SHORT_DATE_FORMAT")
        if self.linkify:
            target = (
                obj if self.accessor == self.name and self.name in ("name", "username", "__str__") else None
            )
            url = object_url(target or obj) if self.linkify is True else self.linkify(obj)
            if url:
                return format_html('<a href="{}">{}</a>', url, value)
        if isinstance(value, SafeString):
            return value
        return value
