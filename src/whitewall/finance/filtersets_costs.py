import django_filters
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from whitewall.accounts.models import Department
from whitewall.core.filtersets import BaseFilterSet
from whitewall.finance.models import (
    BudgetCategory,
    CostReport,
    CostReportStatus,
    PurchaseRequest,
    PurchaseStatus,
    SavingMeasure,
    SavingStatus,
)


class PurchaseRequestFilterSet(BaseFilterSet):
    search_fields = ("title", "reason", "supplier", "order_reference")
    status = django_filters.ChoiceFilter(choices=PurchaseStatus.choices, label=_("status"))
    department = django_filters.ModelChoiceFilter(queryset=Department.objects.all(), label=_("department"))
    category = django_filters.ModelChoiceFilter(queryset=BudgetCategory.objects.all(), label=_("category"))
    project = django_filters.ModelChoiceFilter(
        queryset=apps.get_model("projects", "Project").objects.all(), label=_("project")
    )

    class Meta:
        model = PurchaseRequest
        fields = ("q", "status", "department", "category", "project")


class CostReportFilterSet(BaseFilterSet):
    search_fields = ("summary", "findings", "actions")
    status = django_filters.ChoiceFilter(choices=CostReportStatus.choices, label=_("status"))

    class Meta:
        model = CostReport
        fields = ("q", "status")


class SavingMeasureFilterSet(BaseFilterSet):
    search_fields = ("title", "description")
    status = django_filters.ChoiceFilter(choices=SavingStatus.choices, label=_("status"))
    department = django_filters.ModelChoiceFilter(queryset=Department.objects.all(), label=_("department"))
    category = django_filters.ModelChoiceFilter(queryset=BudgetCategory.objects.all(), label=_("category"))

    class Meta:
        model = SavingMeasure
        fields = ("q", "status", "department", "category")
