"""Objects for the platform's every-URL test (one of each finance and projects model)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.apps import apps

from whitewall.finance import control
from whitewall.finance.models import (
    ActualEntry,
    Budget,
    BudgetAdjustment,
    BudgetCategory,
    BudgetStatus,
    Claim,
    ClaimLine,
    FiscalYear,
    Receipt,
)


def every_url_objects(department, user) -> dict:
    year = FiscalYear.objects.create(
        year=2035, start_date=datetime.date(2035, 1, 1), end_date=datetime.date(2035, 12, 31)
    )
    travel = BudgetCategory.objects.get(code="travel")
    budget = Budget(fiscal_year=year, department=department, category=travel, amount=Decimal("12000"))
    budget.full_clean()
    budget.status = BudgetStatus.ACTIVE
    budget.save()
    line = control.budget_line_set_budget(budget)
    commitment, _check = control.budget_commit(
        actor=None,
        document=user,
        line_key="1",
        department=department,
        category=travel,
        on=datetime.date(2035, 3, 1),
        amount=Decimal("100"),
    )
    adjustment = BudgetAdjustment.objects.create(
        kind="increase", target=line, month=1, amount=Decimal("10"), reason="x", applicant=user
    )
    entry = ActualEntry.objects.create(
        department=department,
        category=travel,
        date=datetime.date(2035, 1, 2),
        amount=Decimal("1"),
        description="x",
    )
    project = apps.get_model("projects", "Project").objects.create(
        code="target-project", name="target", owner=user
    )
    claim = Claim.objects.create(number="BX-TARGET", applicant=user, department=department, purpose="target")
    line = ClaimLine.objects.create(
        claim=claim, category=travel, date=datetime.date(2035, 1, 2), amount=Decimal("10"), description="x"
    )
    receipt = Receipt.objects.create(
        line=line,
        file="finance/receipts/none.pdf",
        original_name="x.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
    )
    return {
        "projects:project_": project.pk,
        "finance:fiscalyear_": year.pk,
        "finance:budgetcategory_": travel.pk,
        "finance:budgetline_": line.pk,
        "finance:budgetadjustment_": adjustment.pk,
        "finance:budget_": budget.pk,
        "finance:commitment_": commitment.pk,
        "finance:actualentry_": entry.pk,
        "finance:claimline_": line.pk,
        "finance:claim_": claim.pk,
        "finance:receipt_": receipt.pk,
        "api:finance-budgetline-": line.pk,
        "api:finance-budgetadjustment-": adjustment.pk,
        "api:finance-budget-": budget.pk,
        "api:finance-claim-": claim.pk,
    }
