"""Filters of the reports and feedback queues (pages, exports and the API share them)."""

import django_filters
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from whitewall.core.filtersets import BaseFilterSet
from whitewall.wall.models import Feedback, Report


class ReportFilterSet(BaseFilterSet):
    search_fields = ("detail", "resolution_note", "post__body", "comment__body")
    status = django_filters.ChoiceFilter(
        choices=Report.Status.choices, empty_label=_("Any"), label=_("status")
    )
    reason = django_filters.ChoiceFilter(
        choices=Report.Reason.choices, empty_label=_("Any"), label=_("reason")
    )
    kind = django_filters.ChoiceFilter(
        choices=(("post", _("post")), ("comment", _("comment"))),
        method="by_kind",
        empty_label=_("Any"),
        label=_("reported item"),
    )
    overdue = django_filters.BooleanFilter(method="by_overdue", label=_("overdue"))

    class Meta:
        model = Report
        fields = ("q", "status", "reason", "kind", "overdue")

    def by_kind(self, queryset, name, value):
        if value == "post":
            return queryset.filter(post__isnull=False)
        if value == "comment":
            return queryset.filter(comment__isnull=False)
        return queryset

    def by_overdue(self, queryset, name, value):
        late = Q(status=Report.Status.OPEN, due_at__lt=timezone.now())
        return queryset.filter(late) if value else queryset.exclude(late)


class FeedbackFilterSet(BaseFilterSet):
    search_fields = ("subject", "body", "reply")
    kind = django_filters.ChoiceFilter(choices=Feedback.Kind.choices, empty_label=_("Any"), label=_("kind"))
    status = django_filters.ChoiceFilter(
        choices=Feedback.Status.choices, empty_label=_("Any"), label=_("status")
    )
    resolution = django_filters.ChoiceFilter(
        choices=Feedback.Resolution.choices, empty_label=_("Any"), label=_("resolution")
    )
    overdue = django_filters.BooleanFilter(method="by_overdue", label=_("overdue"))

    class Meta:
        model = Feedback
        fields = ("q", "kind", "status", "resolution", "overdue")

    def by_overdue(self, queryset, name, value):
        """Late: answered after the deadline, or still unanswered past it."""
        late = Q(due_at__isnull=False) & (
            Q(replied_at__isnull=True, due_at__lt=timezone.now()) | Q(replied_at__gt=F("due_at"))
        )
        return queryset.filter(late) if value else queryset.exclude(late)
