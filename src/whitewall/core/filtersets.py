"""FilterSet base: one FilterSet per model serves the list view, its export and the API."""

from __future__ import annotations

from functools import reduce
from operator import or_

import django_filters
from django.db.models import Q
from django.forms import NullBooleanSelect
from django.utils.translation import gettext_lazy as _

from whitewall.core.forms import style_widgets


class BaseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    search_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self.form)
        for field in self.form.fields.values():
            if hasattr(field, "empty_label") and field.empty_label is not None:
                field.empty_label = _("Any")
                # The widget copied its choices when the field was built: rebuild them, or a
                # choice filter still offers django-filter's "---------".
                field.widget.choices = field.choices
            if isinstance(field.widget, NullBooleanSelect):
                # "Unknown" reads oddly in a filter: an empty choice means "any".
                field.widget.choices = [("unknown", _("Any")), ("true", _("Yes")), ("false", _("No"))]
        for field in self.form.fields.values():
            field.widget.attrs["class"] = (field.widget.attrs.get("class", "") + " form-control-sm").replace(
                "form-select form-control-sm", "form-select form-select-sm"
            )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value or not self.search_fields:
            return queryset
        return queryset.filter(reduce(or_, (Q(**{f"{f}__icontains": value}) for f in self.search_fields)))
