"""Live checks of chapter 5 (finance) on the regulation board."""

from __future__ import annotations

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from whitewall.accounts.models import Department
from whitewall.approvals.models import RequestStatus
from whitewall.finance.models import (
    AdjustmentStatus,
    BudgetAdjustment,
    BudgetLine,
    BudgetStatus,
    Commitment,
    FiscalYear,
)
from whitewall.regulation.checks import CheckResult, Status, clause_check


def _current_year():
    return FiscalYear.for_date(timezone.localdate())


@clause_check("5.1.1")
def every_department_has_an_approved_budget() -> CheckResult:
    year = _current_year()
    url = reverse("finance:budget_list")
    if year is None:
        return CheckResult(Status.RED, _("No fiscal year covers today, so there is no budget for it."), url)
    departments = Department.objects.filter(is_active=True, children__isnull=True).distinct()
    total = departments.count()
    budgeted = (
        departments.filter(budgets__fiscal_year=year, budgets__status=BudgetStatus.ACTIVE).distinct().count()
    )
    figures = {"fiscal_year": year.year, "departments": total, "with_active_budget": budgeted}
    url = f"{url}?fiscal_year={year.pk}"
    if budgeted == 0:
        return CheckResult(
            Status.RED,
            _("No department has an approved, active budget for %(year)s.") % {"year": year},
            url,
            figures,
        )
    if budgeted < total:
        return CheckResult(
            Status.AMBER,
            _("%(done)d of %(total)d departments have an approved, active budget for %(year)s.")
            % {"done": budgeted, "total": total, "year": year},
            url,
            figures,
        )
    return CheckResult(
        Status.GREEN,
        _("Every department has an approved, active budget for %(year)s.") % {"year": year},
        url,
        figures,
    )


@clause_check("5.1.2")
def no_spending_over_budget_without_adjustment() -> CheckResult:
    year = _current_year()
    url = reverse("finance:budgetline_list")
    if year is None:
        return CheckResult(Status.RED, _("No fiscal year covers today: spending cannot be controlled."), url)
    lines = BudgetLine.objects.filter(fiscal_year=year)
    over = lines.filter(budget__lt=F("committed") + F("actual"))
    over_count = over.count()
    overrides = Commitment.objects.filter(line__fiscal_year=year).exclude(override_reason="").count()
    figures = {"lines": lines.count(), "over_budget": over_count, "overrides": overrides}
    if not figures["lines"]:
        return CheckResult(
            Status.RED, _("No budget line exists for %(year)s.") % {"year": year}, url, figures
        )
    if over_count:
        return CheckResult(
            Status.RED,
            _(
                "%(count)d budget lines are spent or committed beyond their budget (%(overrides)d audited overrides)."
            )
            % {"count": over_count, "overrides": overrides},
            url,
            figures,
        )
    return CheckResult(
        Status.GREEN,
        _("Every spend is checked against the remaining budget; no line of %(year)s is over budget.")
        % {"year": year},
        url,
        figures,
    )


@clause_check("5.1.3")
def every_adjustment_is_approved() -> CheckResult:
    url = reverse("finance:budgetadjustment_list")
    applied = list(BudgetAdjustment.objects.filter(status=AdjustmentStatus.APPLIED))
    unapproved = [
        a
        for a in applied
        if (a.approval_request is None or a.approval_request.status != RequestStatus.APPROVED)
    ]
    figures = {"applied": len(applied), "applied_without_approval": len(unapproved)}
    if unapproved:
        return CheckResult(
            Status.RED,
            _("%(count)d budget adjustments were applied without an approved request.")
            % {"count": len(unapproved)},
            url,
            figures,
        )
    if not applied:
        return CheckResult(
            Status.AMBER,
            _("No budget adjustment has been made yet; the approval chain is in place."),
            url,
            figures,
        )
    return CheckResult(
        Status.GREEN,
        _("All %(count)d applied budget adjustments went through the approval chain.")
        % {"count": len(applied)},
        url,
        figures,
    )
