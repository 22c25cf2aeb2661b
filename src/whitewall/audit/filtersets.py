import datetime as dt

import django_filters
from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from whitewall.audit.models import Action, AuditEvent
from whitewall.core.filtersets import BaseFilterSet


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
    seq_from = django_filters.NumberFilter(field_name="seq", lookup_expr="gte", label=_("from event #"))

    class Meta:
        model = AuditEvent
        fields = ("q", "actor", "action", "object_type", "object_id", "since", "until", "seq_from")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("since", "until"):
            self.form.fields[name].widget.input_type = "date"

    @staticmethod
    def _start_of(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))

    def filter_since(self, queryset, name, value):
        return queryset.filter(time__gte=self._start_of(value)) if value else queryset

    def filter_until(self, queryset, name, value):
        return queryset.filter(time__lt=self._start_of(value + dt.timedelta(days=1))) if value else queryset
