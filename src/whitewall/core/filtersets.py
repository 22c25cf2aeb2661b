"""FilterSet base: one FilterSet per model serves the list view, its export and the API.

Filter values come straight from the query string, so the base refuses, as an error on the field,
what the database cannot take: numbers and ids beyond a signed 64-bit integer (SQLite and
PostgreSQL fail on them) and dates outside 1900..2999 (a day turned into an aware datetime
overflows at the ends of the calendar). A list view shows the error under the field and no rows;
the API answers 400 naming the field (``DjangoFilterBackend``).
"""

from __future__ import annotations

import datetime as dt
from functools import cache, reduce
from operator import or_

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.forms import NullBooleanSelect
from django.utils.translation import gettext_lazy as _

from whitewall.core.forms import style_widgets

# What every backend stores in an integer column (SQLite INTEGER, PostgreSQL bigint).
INTEGER_MIN, INTEGER_MAX = -(2**63), 2**63 - 1
# The days a date filter accepts: far enough for any record, and clear of the ends of the calendar
# (0001-01-01 or 9999-12-31 turned into an aware datetime, or plus one day, overflows).
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def validate_integer_range(value) -> None:
    """A number a filter compares with a column: within a signed 64-bit integer."""
    if value is not None and not INTEGER_MIN <= value <= INTEGER_MAX:
        raise ValidationError(
            _("Enter a number between %(min)s and %(max)s."),
            code="out_of_range",
            params={"min": INTEGER_MIN, "max": INTEGER_MAX},
        )


def validate_calendar_range(value) -> None:
    """A date (or date and time) a filter compares with a column: from 1900 to 2999."""
    if value is None:
        return
    day = value.date() if isinstance(value, dt.datetime) else value
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="out_of_range",
            params={"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()},
        )


def _integer_key(field: forms.ModelChoiceField) -> bool:
    """Whether the choices of a model choice field are named by an integer column (an id)."""
    meta = field.queryset.model._meta
    try:
        key = meta.get_field(field.to_field_name) if field.to_field_name else meta.pk
    except FieldDoesNotExist:
        return False
    while key.is_relation:  # a one-to-one primary key (multi-table inheritance) or a foreign key
        key = key.target_field
    return isinstance(key, models.IntegerField)


def _refuse_out_of_range_keys(field: forms.ModelChoiceField, values) -> None:
    """Refuse, as the choice it cannot be, an id beyond an integer column before it is queried."""
    if not isinstance(values, list | tuple | set | frozenset):
        return  # not a list of ids: the field's own checks refuse it
    for value in values:
        try:
            number = int(str(value).strip())
        except ValueError:
            continue  # not an integer: the field's own lookup refuses it
        if not INTEGER_MIN <= number <= INTEGER_MAX:
            raise ValidationError(
                field.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )


class _IntegerKeysMixin:
    """Checks the ids given to a model choice field fit in an integer before the query."""

    def to_python(self, value):  # ModelChoiceField
        if value not in self.empty_values:
            _refuse_out_of_range_keys(self, [value])
        return super().to_python(value)

    def _check_values(self, value):  # ModelMultipleChoiceField
        _refuse_out_of_range_keys(self, value)
        return super()._check_values(value)


@cache
def _with_integer_keys(field_class: type) -> type:
    return type(field_class.__name__, (_IntegerKeysMixin, field_class), {})


def bound_to_the_database(field: forms.Field) -> None:
    """Make ``field`` (a filter form's own copy) refuse values the database cannot compare."""
    if isinstance(field, forms.MultiValueField):  # range filters: each bound checked
        for subfield in field.fields:
            bound_to_the_database(subfield)
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        field.validators.append(validate_integer_range)
    elif isinstance(field, forms.DateField | forms.DateTimeField):
        field.validators.append(validate_calendar_range)
    elif (
        isinstance(field, forms.ModelChoiceField)
        and not isinstance(field, _IntegerKeysMixin)
        and _integer_key(field)
    ):
        # Ids: refused beyond an integer before the query (the field's class gains the check).
        field.__class__ = _with_integer_keys(field.__class__)


class FilterForm(forms.Form):
    """The form of every BaseFilterSet: values bounded to what the database takes, and each
    ``(start, end)`` pair of ``date_ranges`` in order (the error on the end)."""

    date_ranges: tuple[tuple[str, str], ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            bound_to_the_database(field)

    def clean(self):
        cleaned_data = super().clean()
        for start, end in self.date_ranges:
            first, last = cleaned_data.get(start), cleaned_data.get(end)
            if first and last and first > last:
                self.add_error(
                    end,
                    ValidationError(_("The end date must be on or after the start date."), code="reversed"),
                )
        return cleaned_data


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (an event number, a count): "1.5" is refused, not rounded."""

    field_class = forms.IntegerField


class BaseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    search_fields: tuple[str, ...] = ()
    # Pairs of date filters that make a range: the start may not come after the end.
    date_ranges: tuple[tuple[str, str], ...] = ()

    def get_form_class(self):
        form_class = super().get_form_class()
        return type(form_class.__name__, (FilterForm, form_class), {"date_ranges": self.date_ranges})

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
