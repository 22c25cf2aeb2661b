"""The finance API: the battery for budgets, lines, adjustments and claims, and the same
services behind each write (bad input named, nothing half-saved)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from whitewall.accounts.models import Department, StaffProfile
from whitewall.core.testing import APITestCases
from whitewall.finance import control
from whitewall.finance.models import (
    Budget,
    BudgetAdjustment,
    BudgetCategory,
    BudgetLine,
    BudgetStatus,
    Claim,
    ClaimLine,
    FiscalYear,
)


def _year(year=2031):
    return FiscalYear.objects.get_or_create(
        year=year, defaults={"start_date": datetime.date(year, 1, 1), "end_date": datetime.date(year, 12, 31)}
    )[0]


def _line(department_code, category_code="travel", year=None, amount="12000"):
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


class BudgetAPITests(APITestCases.APIViewTestCase):
    model = Budget
    invalid_field = "month_values"

    def make_objects(self):
        self.year = _year()
        operations = Department.objects.get(code="operations")
        return [
            Budget.objects.create(
                fiscal_year=self.year,
                department=operations,
                category=BudgetCategory.objects.get(code=code),
                amount=Decimal("1200"),
                months=["100.00"] * 12,
            )
            for code in ("travel", "training")
        ]

    def get_create_data(self):
        return {
            "fiscal_year": self.year.pk,
            "department": Department.objects.get(code="hr").pk,
            "category": BudgetCategory.objects.get(code="travel").pk,
            "amount": "1200.00",
            "distribution": "amount",
            "month_values": ["100"] * 12,
        }

    def get_update_data(self, obj):
        return {"amount": "2400.00", "distribution": "even"}

    @property
    def invalid_data(self):
        return {**self.get_create_data(), "month_values": ["100"] * 11 + ["99"]}

    def test_budget_submit_through_the_api(self):
        from django.contrib.auth.models import Group

        from whitewall.accounts.models import User

        for role in ("finance_officer", "executive"):
            User.objects.create_user(username=role, email=f"{role}@example.com", is_staff=True).groups.add(
                Group.objects.get(name=role)
            )
        self.add_permissions("view", "change")
        response = self.send("post", reverse("api:finance-budget-submit", args=[self.objects[0].pk]), {})
        self.assertEqual(response.status_code, 200, response.content[:1000])
        self.assertEqual(response.json()["status"], "submitted")


class BudgetLineAPITests(APITestCases.ReadOnlyAPITestCase):
    model = BudgetLine

    def make_objects(self):
        return [_line("operations"), _line("marketing")]

    def test_budget_check_endpoint(self):
        self.add_permissions("view")
        line = self.objects[0]
        url = reverse("api:finance-budgetline-check")
        query = f"?department={line.department_id}&category={line.category_id}&on=2031-12-01&amount=20000"
        response = self.send("get", url + query)
        self.assertEqual(response.status_code, 200, response.content[:1000])
        self.assertEqual(response.json()["action"], "stop")
        self.assertEqual(response.json()["annual_remaining"], "12000.00")
        bad = self.send("get", url + "?department=x")
        self.assertEqual(bad.status_code, 400)


class BudgetAdjustmentAPITests(APITestCases.APIViewTestCase):
    model = BudgetAdjustment
    invalid_field = "amount"

    def make_objects(self):
        self.line = _line("operations")
        return [
            BudgetAdjustment.objects.create(
                kind="increase",
                target=self.line,
                month=1,
                amount=Decimal(100 + i),
                reason="测试",
                applicant=self.user,
            )
            for i in range(2)
        ]

    def get_create_data(self):
        return {
            "kind": "increase",
            "target": self.line.pk,
            "month": 2,
            "amount": "300.00",
            "reason": "新增培训",
        }

    def get_update_data(self, obj):
        return {"amount": "350.00"}

    @property
    def invalid_data(self):
        return {"kind": "decrease", "source": self.line.pk, "month": 1, "amount": "5000.00", "reason": "x"}


class ClaimAPITests(APITestCases.APIViewTestCase):
    model = Claim
    invalid_field = "purpose"

    def make_objects(self):
        self.department = Department.objects.get(code="operations")
        StaffProfile.objects.create(user=self.user, employee_no="T-1", department=self.department, grade="P3")
        return [
            Claim.objects.create(
                number=f"BX-A{i}", applicant=self.user, department=self.department, purpose=f"出差 {i}"
            )
            for i in range(2)
        ]

    create_data = {"purpose": "北京峰会差旅"}
    update_data = {"purpose": "北京峰会差旅（修改）"}
    invalid_data = {"purpose": ""}

    def test_claim_lines_are_validated_by_the_same_service(self):
        self.add_permissions("view", "change")
        claim = self.objects[0]
        url = reverse("api:finance-claim-lines", args=[claim.pk])
        line = {
            "category": BudgetCategory.objects.get(code="personnel").pk,
            "date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
            "amount": "120.00",
            "description": "加班餐",
        }
        response = self.send("post", url, line)
        self.assertEqual(response.status_code, 400)
        self.assertIn("date", response.json()["errors"])
        response = self.send("post", url, {**line, "date": timezone.localdate().isoformat()})
        self.assertEqual(response.status_code, 201, response.content[:1000])
        self.assertEqual(ClaimLine.objects.filter(claim=claim).count(), 1)

    def test_claim_submit_without_a_budget_is_refused_naming_the_rule(self):
        self.add_permissions("view", "change")
        claim = self.objects[0]
        ClaimLine.objects.create(
            claim=claim,
            category=BudgetCategory.objects.get(code="equipment"),
            date=timezone.localdate(),
            amount=Decimal("100"),
            description="鼠标",
        )
        response = self.send("post", reverse("api:finance-claim-submit", args=[claim.pk]), {})
        self.assertEqual(response.status_code, 400, response.content[:1000])
        body = response.json()
        self.assertIn("lines", body["errors"])  # equipment needs a receipt
        claim.refresh_from_db()
        self.assertEqual(claim.status, "draft")
