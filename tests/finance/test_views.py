"""The standard view battery for every finance model, plus the budget's own actions."""

from __future__ import annotations

import datetime
from decimal import Decimal

from whitewall.accounts.models import Department
from whitewall.core.testing import ViewTestCases
from whitewall.finance import control
from whitewall.finance.models import (
    ActualEntry,
    Budget,
    BudgetAdjustment,
    BudgetCategory,
    BudgetLine,
    BudgetStatus,
    Commitment,
    FiscalYear,
)


def _year(year=2031):
    return FiscalYear.objects.get_or_create(
        year=year, defaults={"start_date": datetime.date(year, 1, 1), "end_date": datetime.date(year, 12, 31)}
    )[0]


def _line(department_code="operations", category_code="travel", year=None, amount="12000"):
    budget = Budget(
        fiscal_year=year or _year(),
        department=Department.objects.get(code=department_code),
        category=BudgetCategory.objects.get(code=category_code),
        amount=Decimal(amount),
    )
    budget.full_clean()
    budget.status = BudgetStatus.ACTIVE
    budget.save()
    return control.budget_line_set_budget(budget)


class FiscalYearViewTests(ViewTestCases.PrimaryObjectViewTestCase):
    model = FiscalYear
    form_data = {"year": 2040, "start_date": "2040-01-01", "end_date": "2040-12-31"}
    invalid_form_data = {"year": 2041, "start_date": "2041-12-31", "end_date": "2041-01-01"}
    invalid_field = "end_date"

    def make_objects(self):
        return [_year(2031), _year(2032), _year(2033)]


class BudgetCategoryViewTests(ViewTestCases.PrimaryObjectViewTestCase):
    model = BudgetCategory
    form_data = {"name": "咨询费用", "code": "consulting", "sort_order": 70, "is_active": "on"}
    invalid_form_data = {"name": "咨询费用", "code": "bad code!", "sort_order": 1}
    invalid_field = "code"
    list_query = "?q=test-"

    def make_objects(self):
        return [BudgetCategory.objects.create(name=f"Test {i}", code=f"test-{i}") for i in range(3)]


class BudgetViewTests(ViewTestCases.PrimaryObjectViewTestCase):
    model = Budget
    invalid_field = "month_values"

    def make_objects(self):
        self.year = _year()
        self.department = Department.objects.get(code="operations")
        return [
            Budget.objects.create(
                fiscal_year=self.year,
                department=self.department,
                category=BudgetCategory.objects.get(code=code),
                amount=Decimal("1200"),
                months=["100.00"] * 12,
            )
            for code in ("travel", "training", "operating")
        ]

    @property
    def form_data(self):
        return {
            "fiscal_year": self.year.pk,
            "department": Department.objects.get(code="hr").pk,
            "category": BudgetCategory.objects.get(code="travel").pk,
            "amount": "12000",
            "distribution": "even",
            "month_values": "",
            "note": "年度差旅预算",
        }

    @property
    def edit_data(self):
        return {**self.form_data, "department": self.department.pk, "category": self.objects[0].category_id}

    def get_edit_data(self, obj):
        return {**self.form_data, "department": obj.department_id, "category": obj.category_id}

    @property
    def invalid_form_data(self):
        return {
            **self.form_data,
            "distribution": "percent",
            "month_values": "10 10 10 10 10 10 10 10 10 10 10 11",
        }

    def test_a_budget_edit_writes_a_new_version(self):
        self.add_permissions("view", "change")
        budget = self.objects[0]
        response = self.client.post(self.url("edit", budget), self.get_edit_data(budget))
        self.assertEqual(response.status_code, 302)
        budget.refresh_from_db()
        self.assertEqual(budget.version, 2)
        self.assertEqual(budget.revisions.count(), 1)

    def test_monthly_amounts_that_do_not_add_up_are_refused_naming_the_field(self):
        self.add_permissions("view", "add")
        data = {**self.form_data, "distribution": "amount", "month_values": "1000 " * 11 + "999"}
        response = self.client.post(self.url("add"), data)
        self.assertEqual(response.status_code, 422)
        content = response.content.decode()
        self.assertIn('data-field="month_values"', content)
        self.assertFalse(Budget.objects.filter(department__code="hr").exists())


class BudgetLineViewTests(ViewTestCases.GetObjectViewTestCase, ViewTestCases.ListObjectsViewTestCase):
    model = BudgetLine

    def make_objects(self):
        return [_line("operations", "travel"), _line("marketing", "travel"), _line("hr", "training")]


class CommitmentViewTests(ViewTestCases.GetObjectViewTestCase, ViewTestCases.ListObjectsViewTestCase):
    model = Commitment

    def make_objects(self):
        _line("operations", "travel", amount="120000")
        operations = Department.objects.get(code="operations")
        travel = BudgetCategory.objects.get(code="travel")
        return [
            control.budget_commit(
                actor=None,
                document=self.user,
                line_key=str(i),
                department=operations,
                category=travel,
                on=datetime.date(2031, 12, 1),
                amount=Decimal("100"),
            )[0]
            for i in range(3)
        ]


class BudgetAdjustmentViewTests(ViewTestCases.PrimaryObjectViewTestCase):
    model = BudgetAdjustment
    invalid_field = "amount"

    def make_objects(self):
        self.line = _line("operations", "travel")
        return [
            BudgetAdjustment.objects.create(
                kind="increase",
                target=self.line,
                month=1,
                amount=Decimal(100 + i),
                reason="测试",
                applicant=self.user,
            )
            for i in range(3)
        ]

    @property
    def form_data(self):
        return {"kind": "increase", "target": self.line.pk, "month": 2, "amount": "500", "reason": "新增培训"}

    @property
    def invalid_form_data(self):
        return {**self.form_data, "amount": "-5"}

    def test_a_decrease_below_committed_is_refused_and_nothing_saved(self):
        self.add_permissions("view", "add")
        before = BudgetAdjustment.objects.count()
        data = {"kind": "decrease", "source": self.line.pk, "month": 1, "amount": "1500", "reason": "x"}
        response = self.client.post(self.url("add"), data)
        self.assertEqual(response.status_code, 422)
        self.assertIn('data-field="amount"', response.content.decode())
        self.assertEqual(BudgetAdjustment.objects.count(), before)


class ActualEntryViewTests(
    ViewTestCases.GetObjectViewTestCase,
    ViewTestCases.ListObjectsViewTestCase,
    ViewTestCases.CreateObjectViewTestCase,
):
    model = ActualEntry
    invalid_field = "amount"

    def make_objects(self):
        _year()
        self.department = Department.objects.get(code="operations")
        self.category = BudgetCategory.objects.get(code="personnel")
        return [
            ActualEntry.objects.create(
                department=self.department,
                category=self.category,
                date=datetime.date(2031, 1, 31),
                amount=Decimal("50000"),
                description=f"1月工资 {i}",
            )
            for i in range(3)
        ]

    @property
    def form_data(self):
        return {
            "department": self.department.pk,
            "category": self.category.pk,
            "date": "2031-02-28",
            "amount": "52000",
            "description": "2月工资",
        }

    @property
    def invalid_form_data(self):
        return {**self.form_data, "amount": "0"}

    def test_an_actual_entry_reaches_the_ledger(self):
        self.add_permissions("view", "add")
        self.client.post(self.url("add"), self.form_data)
        line = BudgetLine.objects.get(department=self.department, category=self.category)
        self.assertEqual(line.actual, Decimal("52000.00"))
