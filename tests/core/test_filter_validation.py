"""Every FilterSet (through the shared base) refuses values the database cannot take: numbers and
ids beyond a 64-bit integer, dates outside 1900..2999. A console list shows the error under the
field and no rows (never a 500); the API answers 400 naming the field."""

from __future__ import annotations

import django_filters
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from whitewall.accounts.models import Department, Role, StaffProfile, User
from whitewall.core.filtersets import BaseFilterSet
from whitewall.core.testing.base import grant, login
from whitewall.finance.models import BudgetLine, Commitment

HUGE = "99999999999999999999"  # beyond a signed 64-bit integer
LIMIT = 2**63 - 1


@pytest.fixture
def staff(db):
    user = User.objects.create_user(username="filter.staff", is_staff=True)
    client = Client()
    login(client, user)
    return user, client


# (list URL name, model to grant, filter, value)
CONSOLE = [
    ("accounts:user_list", User, "role", HUGE),  # ModelChoiceFilter (id)
    ("accounts:user_list", User, "role", str(-LIMIT - 2)),
    ("accounts:staffprofile_list", StaffProfile, "department", HUGE),
    ("finance:commitment_list", Commitment, "line", HUGE),  # NumberFilter on a foreign key
    ("finance:commitment_list", Commitment, "line", "-" + HUGE),
    ("finance:commitment_list", Commitment, "month", HUGE),  # NumberFilter from Meta.fields
    ("finance:budgetline_list", BudgetLine, "fiscal_year", HUGE),
    ("audit:auditevent_list", None, "seq_from", HUGE),
]


@pytest.mark.parametrize(("url_name", "model", "name", "value"), CONSOLE)
def test_a_console_list_shows_the_error_under_the_field(staff, url_name, model, name, value):
    from whitewall.audit.models import AuditEvent

    user, client = staff
    grant(user, model or AuditEvent, ["view"])
    response = client.get(reverse(url_name), {name: value})
    assert response.status_code == 200
    filterset = response.context["filterset"]
    assert name in filterset.errors, filterset.errors
    html = response.content.decode()
    assert 'class="invalid-feedback d-block"' in html
    assert all(str(message) in html for message in filterset.errors[name])
    assert response.context["page"].paginator.count == 0


@pytest.mark.parametrize(
    ("basename", "model", "name"),
    [
        ("accounts-user", User, "role"),
        ("accounts-staffprofile", StaffProfile, "department"),
        ("finance-budgetline", BudgetLine, "fiscal_year"),
    ],
)
@pytest.mark.parametrize("value", [HUGE, "-" + HUGE])
def test_the_api_answers_400_naming_the_field(staff, basename, model, name, value):
    user, client = staff
    grant(user, model, ["view"])
    response = client.get(reverse(f"api:{basename}-list"), {name: value})
    assert response.status_code == 400, response.content[:500]
    body = response.json()
    assert "detail" in body
    assert name in body["errors"], body


def test_ids_and_numbers_in_range_still_filter(staff):
    user, client = staff
    grant(user, User, ["view"])
    role = Role.objects.first()
    for value in (str(role.pk), str(LIMIT), str(-LIMIT - 1)):
        response = client.get(reverse("accounts:user_list"), {"role": value})
        assert response.status_code == 200
    response = client.get(reverse("api:accounts-user-list"), {"role": str(LIMIT)})
    assert response.status_code == 400  # no such role: refused as before, by the choice itself
    assert "role" in response.json()["errors"]


# --- the base FilterSet on its own, with every kind of filter that reads a number or a date ---------


class NumberInFilter(django_filters.BaseInFilter, django_filters.NumberFilter):
    pass


class EveryKindFilterSet(BaseFilterSet):
    parents = django_filters.ModelMultipleChoiceFilter(field_name="parent", queryset=Department.objects.all())
    parent_code = django_filters.ModelChoiceFilter(
        field_name="parent", queryset=Department.objects.all(), to_field_name="code"
    )
    ids = NumberInFilter(field_name="id", lookup_expr="in")
    id_in = django_filters.NumberFilter(field_name="id")
    id_range = django_filters.RangeFilter(field_name="id")
    created_after = django_filters.DateTimeFilter(field_name="created", lookup_expr="gte")
    created_on = django_filters.DateFromToRangeFilter(field_name="created")
    day = django_filters.DateFilter(field_name="created", lookup_expr="date")

    class Meta:
        model = Department
        fields = ("q",)


def make_filterset(data):
    return EveryKindFilterSet(data, queryset=Department.objects.all())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"parents": [HUGE]}, "parents"),
        ({"parents": ["1", "-" + HUGE]}, "parents"),
        ({"ids": f"1,{HUGE}"}, "ids"),
        ({"id_in": HUGE}, "id_in"),
        ({"id_in": "1e30"}, "id_in"),
        ({"id_range_min": HUGE}, "id_range"),
        ({"id_range_max": "-" + HUGE}, "id_range"),
        ({"created_after": "0001-01-01 00:00"}, "created_after"),
        ({"created_after": "9999-12-31 23:59"}, "created_after"),
        ({"created_on_after": "0001-01-01"}, "created_on"),
        ({"created_on_before": "9999-12-31"}, "created_on"),
        ({"day": "1899-12-31"}, "day"),
        ({"day": "3000-01-01"}, "day"),
    ],
)
def test_the_base_filterset_refuses_what_the_database_cannot_take(data, field):
    filterset = make_filterset(data)
    assert not filterset.is_valid()
    assert list(filterset.errors) == [field], filterset.errors


@pytest.mark.django_db
def test_the_base_filterset_keeps_valid_values_and_non_integer_keys():
    department = Department.objects.create(name="Parent", code="parent-code")
    child = Department.objects.create(name="Child", code="child-code", parent=department)
    for data in (
        {"parents": [str(department.pk)]},
        {"parent_code": "parent-code"},
        {"ids": f"{child.pk},{LIMIT}"},
        {"id_in": str(child.pk)},
        {"id_range_min": str(child.pk), "id_range_max": str(LIMIT)},
        {"created_after": "1900-01-01 00:00"},
        {"created_on_after": "1900-01-01", "created_on_before": "2999-12-31"},
        {"day": timezone.localdate().isoformat()},
    ):
        filterset = make_filterset(data)
        assert filterset.is_valid(), (data, filterset.errors)
        assert child in filterset.qs, data
    # A code that looks like a huge number is only a code that does not exist.
    filterset = make_filterset({"parent_code": HUGE})
    assert not filterset.is_valid() and list(filterset.errors) == ["parent_code"]
    filterset = make_filterset({"day": "2999-12-31"})
    assert filterset.is_valid() and list(filterset.qs) == []  # the last day allowed
