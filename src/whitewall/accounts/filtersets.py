import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from whitewall.accounts.models import Department, ObjectPermission, Position, Role, StaffProfile, User
from whitewall.core.encryption import blind_index_q
from whitewall.core.filtersets import BaseFilterSet


class UserFilterSet(BaseFilterSet):
    search_fields = ("username", "full_name", "email")
    is_staff = django_filters.BooleanFilter(label=_("staff"))
    is_active = django_filters.BooleanFilter(label=_("active"))
    role = django_filters.ModelChoiceFilter(field_name="groups", queryset=Role.objects.all(), label=_("role"))

    class Meta:
        model = User
        fields = ("q", "is_staff", "is_active", "role")


class StaffProfileFilterSet(BaseFilterSet):
    search_fields = ("user__username", "user__full_name", "employee_no", "user__email")
    department = django_filters.ModelChoiceFilter(queryset=Department.objects.all(), label=_("department"))
    position = django_filters.ModelChoiceFilter(queryset=Position.objects.all(), label=_("position"))
    role = django_filters.ModelChoiceFilter(
        field_name="user__groups", queryset=Role.objects.all(), label=_("role")
    )
    active = django_filters.BooleanFilter(field_name="user__is_active", label=_("active"))
    without_role = django_filters.BooleanFilter(
        field_name="user__groups", lookup_expr="isnull", label=_("without a role")
    )

    # Exact match on encrypted values, through their blind indexes.
    national_id = django_filters.CharFilter(
        method="filter_blind_index", label=_("national ID number (exact)")
    )
    mobile = django_filters.CharFilter(method="filter_blind_index", label=_("mobile number (exact)"))

    class Meta:
        model = StaffProfile
        fields = ("q", "department", "position", "role", "active", "without_role", "national_id", "mobile")

    def filter_blind_index(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(blind_index_q(StaffProfile, name, value))


class DepartmentFilterSet(BaseFilterSet):
    search_fields = ("name", "code", "description")
    parent = django_filters.ModelChoiceFilter(queryset=Department.objects.all(), label=_("parent department"))
    is_active = django_filters.BooleanFilter(label=pgettext_lazy("switched on", "active"))

    class Meta:
        model = Department
        fields = ("q", "parent", "is_active")


class PositionFilterSet(BaseFilterSet):
    search_fields = ("name", "code", "description")
    department = django_filters.ModelChoiceFilter(queryset=Department.objects.all(), label=_("department"))

    class Meta:
        model = Position
        fields = ("q", "department")


class RoleFilterSet(BaseFilterSet):
    search_fields = ("name",)

    class Meta:
        model = Role
        fields = ("q",)


class ObjectPermissionFilterSet(BaseFilterSet):
    search_fields = ("name", "description")
    enabled = django_filters.BooleanFilter(label=_("enabled"))
    role = django_filters.ModelChoiceFilter(field_name="groups", queryset=Role.objects.all(), label=_("role"))

    class Meta:
        model = ObjectPermission
        fields = ("q", "enabled", "role")
