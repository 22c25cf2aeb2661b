import django_filters
from django.utils.translation import gettext_lazy as _

from whitewall.approvals.models import ApprovalRequest, RequestStatus
from whitewall.core.filtersets import BaseFilterSet


class ApprovalRequestFilterSet(BaseFilterSet):
    search_fields = ("title", "process", "submitted_by__full_name", "submitted_by__username")
    status = django_filters.ChoiceFilter(label=_("status"), choices=RequestStatus.choices)
    process = django_filters.CharFilter(label=_("process"))

    class Meta:
        model = ApprovalRequest
        fields = ("q", "status", "process")
