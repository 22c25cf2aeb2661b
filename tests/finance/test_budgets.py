"""Budgets (versions, approval, activation) and budget adjustments (approval, history, limits)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from whitewall.approvals.services import approval_decide
from whitewall.finance import control, services
from whitewall.finance.demo_budgets import approve_all
from whitewall.finance.models import (
    AdjustmentStatus,
    Budget,
    BudgetAdjustment,
    BudgetLine,
    BudgetLineMonth,
    BudgetStatus,
    spread,
)

pytestmark = pytest.mark.django_db


# --- spread (the monthly distribution) -------------------------------------------------------------
def test_spread_even_puts_the_rounding_rest_in_the_last_month():
    months = spread(Decimal("1000"), "even", [])
    assert months[:11] == [Decimal("83.33")] * 11
    assert months[11] == Decimal("83.37")
    assert sum(months) == Decimal("1000.00")


def test_spread_percentages_must_add_up_to_100():
    with pytest.raises(ValidationError) as error:
        spread(Decimal("1200"), "percent", ["10"] * 12)
    assert "month_values" in error.value.message_dict
    assert "120" in error.value.message_dict["month_values"][0]
    months = spread(
        Decimal("1200"), "percent", ["5", "5", "10", "10", "10", "10", "10", "10", "10", "10", "5", "5"]
    )
    assert months[0] == Decimal("60.00") and sum(months) == Decimal("1200.00")


def test_spread_amounts_must_add_up_to_the_annual_amount():
    with pytest.raises(ValidationError) as error:
        spread(Decimal("1200"), "amount", ["100"] * 11 + ["99"])
    assert "1199" in error.value.message_dict["month_values"][0]
    with pytest.raises(ValidationError):
        spread(Decimal("1200"), "amount", ["100"] * 11)
    with pytest.raises(ValidationError):
        spread(Decimal("1200"), "amount", ["-100"] + ["100"] * 11)


# --- budget_save / budget_submit / budget_activate -------------------------------------------------
def _draft(org, amount="24000"):
    return services.budget_save(
        actor=org.finance,
        budget=Budget(
            fiscal_year=org.year,
            department=org.department,
            category=org.category("training"),
            amount=Decimal(amount),
        ),
    )


def test_budget_save_keeps_every_version(org):
    budget = _draft(org)
    budget.amount = Decimal("30000")
    services.budget_save(actor=org.finance, budget=budget)
    budget.refresh_from_db()
    assert budget.version == 2
    assert list(budget.revisions.values_list("version", "amount")) == [
        (2, Decimal("30000.00")),
        (1, Decimal("24000.00")),
    ]


def test_budget_submit_approve_activate_reaches_the_ledger(org):
    budget = _draft(org)
    request = services.budget_submit(actor=org.finance, budget=budget)
    budget.refresh_from_db()
    assert budget.status == BudgetStatus.SUBMITTED
    with pytest.raises(ValidationError):
        services.budget_save(actor=org.finance, budget=budget)  # not a draft any more
    approve_all(request)
    budget.refresh_from_db()
    assert budget.status == BudgetStatus.APPROVED
    assert not BudgetLine.objects.filter(category=org.category("training")).exists()
    services.budget_activate(actor=org.finance, budget=budget)
    line = BudgetLine.objects.get(category=org.category("training"), department=org.department)
    assert line.budget == Decimal("24000.00")
    assert BudgetLineMonth.objects.get(line=line, month=1).budget == Decimal("2000.00")
    assert budget.revisions.count() >= 4  # created, submitted, approved, activated


def test_budget_activate_refuses_an_unapproved_budget(org):
    budget = _draft(org)
    with pytest.raises(ValidationError):
        services.budget_activate(actor=org.finance, budget=budget)


def test_budget_rejected_goes_back_to_draft(org):
    budget = _draft(org)
    request = services.budget_submit(actor=org.finance, budget=budget)
    approval_decide(actor=org.finance2, request=request, decision="reject", comment="金额偏高")
    budget.refresh_from_db()
    assert budget.status == BudgetStatus.DRAFT


# --- adjustments ------------------------------------------------------------------------------------
def _line(org, code):
    return BudgetLine.objects.get(
        fiscal_year=org.year, department=org.department, category=org.category(code)
    )


def test_adjustment_is_applied_only_when_approved(org):
    org.budget("travel", "12000")
    org.budget("training", "12000")
    adjustment = services.adjustment_save(
        actor=org.head,
        adjustment=BudgetAdjustment(
            kind="transfer",
            source=_line(org, "training"),
            target=_line(org, "travel"),
            month=3,
            amount=Decimal("500"),
            reason="出差增加",
            applicant=org.head,
        ),
    )
    request = services.adjustment_submit(actor=org.head, adjustment=adjustment)
    assert _line(org, "travel").budget == Decimal("12000.00")  # not yet
    approve_all(request)
    adjustment.refresh_from_db()
    assert adjustment.status == AdjustmentStatus.APPLIED
    assert _line(org, "travel").budget == Decimal("12500.00")
    assert _line(org, "training").budget == Decimal("11500.00")
    assert BudgetLineMonth.objects.get(line=_line(org, "travel"), month=3).budget == Decimal("1500.00")
    plan = Budget.objects.get(department=org.department, category=org.category("travel"))
    assert plan.amount == Decimal("12500.00") and plan.version == 2  # history kept on the plan too


def test_adjustment_rejected_changes_nothing(org):
    org.budget("travel", "12000")
    adjustment = services.adjustment_save(
        actor=org.head,
        adjustment=BudgetAdjustment(
            kind="increase",
            target=_line(org, "travel"),
            month=1,
            amount=Decimal("500"),
            reason="x",
            applicant=org.head,
        ),
    )
    request = services.adjustment_submit(actor=org.head, adjustment=adjustment)
    approval_decide(actor=org.finance, request=request, decision="reject", comment="不同意")
    adjustment.refresh_from_db()
    assert adjustment.status == AdjustmentStatus.REJECTED
    assert _line(org, "travel").budget == Decimal("12000.00")


def test_adjustment_cannot_take_a_line_below_committed_plus_actual(org):
    org.budget("travel", "12000")
    # 11,500 committed and spent in December (where the accumulated budget allows it).
    control.budget_commit(
        actor=org.applicant,
        document=org.colleague,
        line_key="1",
        department=org.department,
        category=org.category("travel"),
        on=datetime.date(org.year.year, 12, 1),
        amount=Decimal("11500"),
    )
    with pytest.raises(ValidationError) as error:
        services.adjustment_save(
            actor=org.head,
            adjustment=BudgetAdjustment(
                kind="decrease",
                source=_line(org, "travel"),
                month=1,
                amount=Decimal("600"),
                reason="压缩差旅",
                applicant=org.head,
            ),
        )
    assert "committed" in error.value.message_dict["amount"][0]


def test_adjustment_names_the_missing_line(org):
    with pytest.raises(ValidationError) as error:
        services.adjustment_save(
            actor=org.head,
            adjustment=BudgetAdjustment(
                kind="transfer", month=1, amount=Decimal("5"), reason="x", applicant=org.head
            ),
        )
    assert {"source", "target"} <= set(error.value.message_dict)


def test_ensure_default_categories_adds_the_missing_and_leaves_the_rest(org):
    from whitewall.finance.models import BudgetCategory

    travel = org.category("travel")
    travel.name = "差旅（改名）"
    travel.save()
    BudgetCategory.objects.filter(code="training").delete()
    assert services.ensure_default_categories() == 1
    assert BudgetCategory.objects.filter(code="training").exists()
    travel.refresh_from_db()
    assert travel.name == "差旅（改名）"
    codes = {code for code, *_rest in services.budgets.DEFAULT_CATEGORIES}
    assert codes <= set(BudgetCategory.objects.values_list("code", flat=True))
    assert services.ensure_default_categories() == 0
