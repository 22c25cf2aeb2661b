import django_filters
from django.utils.translation import gettext_lazy as _

from whitewall.accounts.models import Department
from whitewall.core.filtersets import BaseFilterSet
from whitewall.finance.models import (
    ActualEntry,
    AdjustmentKind,
    AdjustmentStatus,
    Budget,
    BudgetAdjustment,
    BudgetCategory,
    BudgetLine,
    BudgetStatus,
    Claim,
    ClaimStatus,
    Commitment,
    CommitmentStatus,
    FiscalYear,
)


class FiscalYearFilterSet(BaseFilterSet):
    search_fields = ("year",)

    class Meta:
        model = FiscalYear
        fields = ("q", "is_closed")


class BudgetCategoryFilterSet(BaseFilterSet):
    search_fields = ("code", "name")

    class Meta:
        model = BudgetCategory
        fields = ("q", "is_active")


class _LineFilters(BaseFilterSet):
    fiscal_year = django_filters.ModelChoiceFilter(queryset=FiscalYear.objects.all(), label=_("fiscal year"))
    department = django_filters.ModelChoiceFilter(queryset=Department.objects.all(), label=_("department"))
    category = django_filters.ModelChoiceFilter(queryset=BudgetCategory.objects.all(), label=_("category"))


class BudgetFilterSet(_LineFilters):
    search_fields = ("department__name", "category__name", "note")
    status = django_filters.ChoiceFilter(choices=BudgetStatus.choices, label=_("status"))

    class Meta:
        model = Budget
        fields = ("q", "fiscal_year", "department", "category", "status")


class BudgetLineFilterSet(_LineFilters):
    search_fields = ("department__name", "category__name")

    class Meta:
        model = BudgetLine
        fields = ("q", "fiscal_year", "department", "category")


class CommitmentFilterSet(BaseFilterSet):
    search_fields = ("description",)
    status = django_filters.ChoiceFilter(choices=CommitmentStatus.choices, label=_("status"))
    line = django_filters.NumberFilter(label=_("budget line"))
    department = django_filters.ModelChoiceFilter(
        field_name="line__department", queryset=Department.objects.all(), label=_("department")
    )
    category = django_filters.ModelChoiceFilter(
        field_name="line__category", queryset=BudgetCategory.objects.all(), label=_("category")
    )

    class Meta:
        model = Commitment
        fields = ("q", "status", "line", "department", "category", "month")


class BudgetAdjustmentFilterSet(BaseFilterSet):
    search_fields = ("reason",)
    kind = django_filters.ChoiceFilter(choices=AdjustmentKind.choices, label=_("kind"))
    status = django_filters.ChoiceFilter(choices=AdjustmentStatus.choices, label=_("status"))

    class Meta:
        model = BudgetAdjustment
        fields = ("q", "kind", "status")


class ActualEntryFilterSet(BaseFilterSet):
    search_fields = ("description", "reference")
    department = django_filters.ModelChoiceFilter(queryset=Department.objects.all(), label=_("department"))
    category = django_filters.ModelChoiceFilter(queryset=BudgetCategory.objects.all(), label=_("category"))

    class Meta:
        model = ActualEntry
        fields = ("q", "department", "category")


class ClaimFilterSet(BaseFilterSet):
    search_fields = ("number", "purpose", "applicant__full_name", "lines__invoice_number")
    status = django_filters.ChoiceFilter(choices=ClaimStatus.choices, label=_("status"))
    department = django_filters.ModelChoiceFilter(queryset=Department.objects.all(), label=_("department"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("my claims"))

    class Meta:
        model = Claim
        fields = ("q", "status", "department", "mine")

    def filter_mine(self, queryset, name, value):
        if value is None:
            return queryset
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return queryset.none()
        return queryset.filter(applicant=user) if value else queryset.exclude(applicant=user)

    def search(self, queryset, name, value):
        return super().search(queryset, name, value).distinct()
