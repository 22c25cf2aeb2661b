"""Filter sets of the publishing plan: one per model, for list pages, exports and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from whitewall.core.filtersets import BaseFilterSet
from whitewall.wall.models import PlanItem, Post, StaffPost, Topic


class PlanItemFilterSet(BaseFilterSet):
    search_fields = ("title", "notes")
    status = django_filters.ChoiceFilter(choices=PlanItem.Status.choices, label=_("status"))
    topic = django_filters.ModelChoiceFilter(queryset=Topic.objects.all(), label=_("topic"))
    slot_after = django_filters.DateFilter(
        field_name="slot", lookup_expr="date__gte", label=pgettext_lazy("date range", "from")
    )
    slot_before = django_filters.DateFilter(field_name="slot", lookup_expr="date__lte", label=_("to"))

    class Meta:
        model = PlanItem
        fields = ("q", "status", "topic", "slot_after", "slot_before")


class StaffPostFilterSet(BaseFilterSet):
    search_fields = ("title", "body")
    status = django_filters.ChoiceFilter(choices=Post.Status.choices, label=_("status"))
    topic = django_filters.ModelChoiceFilter(queryset=Topic.objects.all(), label=_("topic"))

    class Meta:
        model = StaffPost
        fields = ("q", "status", "topic")
