"""Table columns for list views and exports: one declaration serves the page, CSV and Excel."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.utils import formats, timezone
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe

from whitewall.core.encryption import is_encrypted
from whitewall.core.masking import mask
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


def _encrypted_field(obj: Any, accessor: str):
    """The encrypted model field that ``accessor`` ends on, or None."""
    *path, last = accessor.split("__")
    target = obj
    for part in path:
        target = getattr(target, part, None)
        if target is None:
            return None
    meta = getattr(target, "_meta", None)
    if meta is None:
        return None
    try:
        field = meta.get_field(last)
    except Exception:
        return None
    return field if is_encrypted(field) else None


@dataclass
class Column:
    name: str
    label: Any = None
    accessor: str | None = None
    order_by: str | None = None  # field path to sort on; None = not sortable
    linkify: bool = False
    render: Callable[[Any], Any] | None = None  # obj -> display value (may be HTML-safe)
    # Encrypted fields are always masked on pages; exports show the clear value only to users
    # who may reveal it (the list view passes ``reveal``). None: detect from the model field.
    masked: bool | None = None

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

    def masked_value(self, obj: Any) -> str | None:
        """The masked display when this column shows an encrypted field, else None."""
        if self.masked is False or self.render is not None:
            return None
        field = _encrypted_field(obj, self.accessor)
        if field is None:
            return mask(self.raw(obj) or "", "generic") if self.masked else None
        return field.mask_value(self.raw(obj) or "")

    def export_value(self, obj: Any, reveal: bool = False) -> Any:
        if not reveal:
            masked = self.masked_value(obj)
            if masked is not None:
                return masked
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
        masked = self.masked_value(obj)
        if masked is not None:
            if not masked:
                return mark_safe('<span class="text-muted">—</span>')  # noqa: S308 - constant
            return format_html('<span class="font-monospace ww-masked">{}</span>', masked)
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
