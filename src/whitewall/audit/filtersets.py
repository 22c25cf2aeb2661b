import datetime as dt

import django_filters
from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from whitewall.audit.models import Action, AuditEvent
from whitewall.core.filtersets import FIRST_DAY, LAST_DAY, BaseFilterSet, IntegerFilter


def object_type_choices():
    """Every model the trail can name, without a query (labels as ``app_label.model``)."""
    from whitewall.audit.capture import is_audited

    labels = {model._meta.label_lower for model in apps.get_models() if is_audited(model)}
    labels |= {"config.policy"}
    return [(label, label) for label in sorted(labels)]


class AuditEventFilterSet(BaseFilterSet):
    search_fields = ("object_repr", "actor_username", "object_id", "request_id")
    actor = django_filters.CharFilter(field_name="actor_username", lookup_expr="iexact", label=_("actor"))
    action = django_filters.ChoiceFilter(choices=Action.choices, label=_("action"))
    object_type = django_filters.ChoiceFilter(choices=object_type_choices, label=_("object type"))
    object_id = django_filters.CharFilter(label=_("object id"))
    since = django_filters.DateFilter(method="filter_since", label=_("from (date)"))
    until = django_filters.DateFilter(method="filter_until", label=_("to (date)"))
    # Events are numbered from 1 (and the base refuses numbers and dates the database cannot take).
    seq_from = IntegerFilter(field_name="seq", lookup_expr="gte", min_value=1, label=_("from event #"))
    date_ranges = (("since", "until"),)

    class Meta:
        model = AuditEvent
        fields = ("q", "actor", "action", "object_type", "object_id", "since", "until", "seq_from")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("since", "until"):
            widget = self.form.fields[name].widget
            widget.input_type = "date"
            widget.attrs.update(min=FIRST_DAY.isoformat(), max=LAST_DAY.isoformat())

    @staticmethod
    def _start_of(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))

    def filter_since(self, queryset, name, value):
        return queryset.filter(time__gte=self._start_of(value)) if value else queryset

    def filter_until(self, queryset, name, value):
        return queryset.filter(time__lt=self._start_of(value + dt.timedelta(days=1))) if value else queryset
