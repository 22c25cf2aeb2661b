import django_filters
from django.utils.translation import gettext_lazy as _

from whitewall.core.filtersets import BaseFilterSet
from whitewall.regulation.models import (
    STATUS_CHOICES,
    Acknowledgement,
    CheckRun,
    CheckSnapshot,
    Clause,
    RegulationVersion,
)


class RegulationVersionFilterSet(BaseFilterSet):
    search_fields = ("number", "name", "summary")
    published = django_filters.BooleanFilter(
        field_name="published_at", lookup_expr="isnull", exclude=True, label=_("published")
    )

    class Meta:
        model = RegulationVersion
        fields = ("q", "published")


def _status_choices():
    from whitewall.regulation.checks import Status
    from whitewall.regulation.selectors import PENDING

    return [(status.value, status.label) for status in Status] + [(PENDING, _("not run yet"))]


class ClauseFilterSet(BaseFilterSet):
    """The board's filters: text, chapter, and the latest check status (``?status=red``)."""

    search_fields = ("code", "title_zh", "title_en")
    chapter = django_filters.NumberFilter(field_name="chapter__number", label=_("chapter"))
    status = django_filters.ChoiceFilter(choices=_status_choices, method="filter_status", label=_("status"))

    class Meta:
        model = Clause
        fields = ("q", "chapter", "status")

    def filter_status(self, queryset, name, value: str):
        from whitewall.regulation.selectors import latest_statuses

        statuses = latest_statuses()["statuses"]
        return queryset.filter(code__in=[code for code, status in statuses.items() if status == value])


class CheckSnapshotFilterSet(BaseFilterSet):
    search_fields = ("explanation", "clause__code")
    clause = django_filters.CharFilter(field_name="clause__code", label=_("clause"))
    run = django_filters.NumberFilter(field_name="run_id", label=_("check run"))
    status = django_filters.ChoiceFilter(choices=STATUS_CHOICES, label=_("status"))

    class Meta:
        model = CheckSnapshot
        fields = ("q", "clause", "run", "status")


class CheckRunFilterSet(BaseFilterSet):
    trigger = django_filters.ChoiceFilter(choices=CheckRun.Trigger.choices, label=_("trigger"))

    class Meta:
        model = CheckRun
        fields = ("trigger",)


class AcknowledgementFilterSet(BaseFilterSet):
    version = django_filters.NumberFilter(field_name="version_id", label=_("regulation version"))
    user = django_filters.NumberFilter(field_name="user_id", label=_("staff member"))

    class Meta:
        model = Acknowledgement
        fields = ("version", "user")
