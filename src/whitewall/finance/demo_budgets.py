"""Demo budgets: the current fiscal year for every department, active; next year's in preparation;
a few adjustments through the approval chain."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from whitewall.accounts.models import Department, User
from whitewall.approvals.services import approval_decide
from whitewall.finance import control, services
from whitewall.finance.models import (
    AdjustmentKind,
    Budget,
    BudgetAdjustment,
    BudgetCategory,
    BudgetLine,
    BudgetRevision,
    BudgetStatus,
    Distribution,
    FiscalYear,
)

# Annual amounts in yuan per department code and category code (personnel entered as actuals).
PLAN = {
    "management": {"personnel": 1_200_000, "operating": 120_000, "travel": 80_000, "training": 30_000},
    "operations": {
        "personnel": 900_000,
        "operating": 150_000,
        "marketing": 60_000,
        "travel": 40_000,
        "training": 30_000,
    },
    "content-review": {"personnel": 600_000, "operating": 40_000, "training": 24_000, "travel": 30_000},
    "tech-support": {
        "personnel": 1_000_000,
        "equipment": 300_000,
        "operating": 90_000,
        "training": 40_000,
        "travel": 30_000,
    },
    "marketing": {
        "personnel": 500_000,
        "marketing": 400_000,
        "operating": 60_000,
        "travel": 60_000,
        "training": 15_000,
    },
    "hr": {"personnel": 350_000, "operating": 36_000, "training": 60_000, "travel": 30_000},
    "finance": {"personnel": 360_000, "operating": 36_000, "training": 18_000, "travel": 30_000},
    "security": {
        "personnel": 420_000,
        "equipment": 180_000,
        "operating": 48_000,
        "training": 30_000,
        "travel": 18_000,
    },
}
# Seasonal weights (percent per month) for marketing: campaigns in spring and autumn.
MARKETING_PERCENT = ["5", "6", "12", "12", "8", "6", "5", "5", "12", "12", "9", "8"]


def fiscal_year(year: int) -> FiscalYear:
    fy, _created = FiscalYear.objects.get_or_create(
        year=year, defaults={"start_date": datetime.date(year, 1, 1), "end_date": datetime.date(year, 12, 31)}
    )
    return fy


def _revision(budget, actor, note):
    BudgetRevision.record(budget, actor=actor, note=note)


def seed_budgets() -> str:
    today = timezone.localdate()
    this_year, next_year = fiscal_year(today.year), fiscal_year(today.year + 1)
    services.ensure_default_categories()
    categories = {c.code: c for c in BudgetCategory.objects.all()}
    departments = {d.code: d for d in Department.objects.filter(code__in=PLAN)}
    finance = User.objects.filter(username="finance").first()
    executive = User.objects.filter(username="executive").first()
    made = 0
    for code, plan in PLAN.items():
        department = departments.get(code)
        if department is None:
            continue
        for category_code, annual in plan.items():
            category = categories[category_code]
            percent = category_code == "marketing"
            budget = Budget(
                fiscal_year=this_year,
                department=department,
                category=category,
                amount=Decimal(annual),
                distribution=Distribution.PERCENT if percent else Distribution.EVEN,
                month_values=MARKETING_PERCENT if percent else [],
                owner=finance,
                note="年度预算（演示数据）",
            )
            budget.full_clean()
            budget.status = BudgetStatus.DRAFT
            budget.save()
            _revision(budget, finance, "编制")
            for status, note in ((BudgetStatus.SUBMITTED, "提交审批"), (BudgetStatus.APPROVED, "审批通过")):
                budget.status = status
                budget.save(update_fields=["status"])
                _revision(budget, None, note)
            control.budget_line_set_budget(budget)
            budget.status = BudgetStatus.ACTIVE
            budget.save(update_fields=["status"])
            _revision(budget, finance, "生效")
            made += 1
    # Next year's budgets are being prepared: a few drafts, two waiting for approval.
    waiting = 0
    for index, code in enumerate(("operations", "marketing", "tech-support", "hr")):
        department = departments.get(code)
        if department is None or finance is None:
            continue
        budget = services.budget_save(
            actor=None,
            budget=Budget(
                fiscal_year=next_year,
                department=department,
                category=categories["operating"],
                amount=Decimal(PLAN[code]["operating"]) * Decimal("1.08"),
                owner=finance,
                note="下年度预算草案",
            ),
        )
        if index < 2:
            services.budget_submit(actor=finance, budget=budget)
            waiting += 1
    adjustments = _seed_adjustments(this_year, finance, executive)
    return f"{made} active budgets, {waiting} in approval, {adjustments} adjustments"


def approve_all(request, *, upto: int | None = None) -> None:
    """Let each waiting approver approve, tier after tier (up to tier ``upto``, if given)."""
    from whitewall.approvals.models import RequestStatus, TaskStatus

    for _step in range(10):
        request.refresh_from_db()
        if request.status != RequestStatus.PENDING or (upto is not None and request.current_tier >= upto):
            return
        task = request.tasks.filter(
            round=request.round, tier_index=request.current_tier, status=TaskStatus.PENDING
        ).first()
        if task is None:
            return
        approval_decide(actor=task.assignee, request=request, decision="approve", comment="同意")


def _seed_adjustments(year, finance, executive) -> int:
    if finance is None or executive is None:
        return 0
    month = min(timezone.localdate().month, 12)

    def line(dept, cat):
        return BudgetLine.objects.get(fiscal_year=year, department__code=dept, category__code=cat)

    rows = [
        (
            AdjustmentKind.TRANSFER,
            line("marketing", "operating"),
            line("marketing", "marketing"),
            4_000,
            "高校巡回推广追加场次，从日常运营费用调剂",
            True,
        ),
        (
            AdjustmentKind.INCREASE,
            None,
            line("tech-support", "equipment"),
            50_000,
            "审核服务器扩容，经总经理办公会同意追加",
            True,
        ),
        (AdjustmentKind.DECREASE, line("hr", "travel"), None, 800, "招聘改为线上面试，差旅需求减少", True),
        (AdjustmentKind.INCREASE, None, line("operations", "training"), 8_000, "新增运营专员岗前培训", False),
    ]
    count = 0
    for kind, source, target, amount, reason, approve in rows:
        adjustment = services.adjustment_save(
            actor=None,
            adjustment=BudgetAdjustment(
                kind=kind,
                source=source,
                target=target,
                month=month,
                amount=Decimal(amount),
                reason=reason,
                applicant=finance,
            ),
        )
        request = services.adjustment_submit(actor=finance, adjustment=adjustment)
        if approve:
            approve_all(request)
        count += 1
    return count
