"""People, a fiscal year and budget lines for finance tests."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from whitewall.accounts.models import Department, StaffProfile, User
from whitewall.finance import control
from whitewall.finance.models import Budget, BudgetCategory, BudgetStatus, FiscalYear
from whitewall.finance.services import ensure_default_categories

_numbers = itertools.count(1)


def make_staff(username, *, roles=(), department=None, grade="P3", manager=None) -> User:
    user = User.objects.create_user(
        username=username, email=f"{username}@example.com", is_staff=True, full_name=username.title()
    )
    for role in roles:
        user.groups.add(Group.objects.get(name=role))
    if department is not None:
        StaffProfile.objects.create(
            user=user,
            employee_no=f"F{next(_numbers):05d}",
            department=department,
            grade=grade,
            manager=manager,
        )
    return user


def active_budget(year, department, category, amount, *, distribution="even", values=()) -> Budget:
    """An approved, active budget and its ledger line (as the approval flow would leave it)."""
    budget = Budget(
        fiscal_year=year,
        department=department,
        category=category,
        amount=Decimal(amount),
        distribution=distribution,
        month_values=list(values),
    )
    budget.full_clean()
    budget.status = BudgetStatus.ACTIVE
    budget.save()
    control.budget_line_set_budget(budget)
    return budget


class Org:
    def __init__(self):
        today = timezone.localdate()
        self.today = today
        self.year = FiscalYear.objects.create(
            year=today.year,
            start_date=datetime.date(today.year, 1, 1),
            end_date=datetime.date(today.year, 12, 31),
        )
        self.department = Department.objects.get(code="operations")
        self.other_department = Department.objects.get(code="marketing")
        self.head = make_staff("head", roles=["department_head"], department=self.department, grade="M2")
        self.department.head = self.head
        self.department.save()
        self.applicant = make_staff("applicant", roles=["operator"], department=self.department, grade="P3")
        self.colleague = make_staff("colleague", roles=["operator"], department=self.department)
        self.finance = make_staff(
            "finance1", roles=["finance_officer"], department=Department.objects.get(code="finance")
        )
        self.finance2 = make_staff(
            "finance2", roles=["finance_officer"], department=Department.objects.get(code="finance")
        )
        self.executive = make_staff(
            "boss", roles=["executive"], department=Department.objects.get(code="management"), grade="M5"
        )
        self.auditor = make_staff(
            "auditor1", roles=["auditor"], department=Department.objects.get(code="management")
        )
        # The data migration seeds the categories; a database flushed by a transactional test has none.
        ensure_default_categories()
        self.categories = {c.code: c for c in BudgetCategory.objects.all()}

    def category(self, code):
        return self.categories[code]

    def budget(self, category="travel", amount="12000", department=None, **kwargs) -> Budget:
        return active_budget(
            self.year, department or self.department, self.category(category), amount, **kwargs
        )


@pytest.fixture
def org(db):
    return Org()
