"""Live checks of chapter 5 (finance) on the regulation board."""

from __future__ import annotations

from django.db.models import Count, F
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
    Claim,
    ClaimLine,
    ClaimStatus,
    Commitment,
    FiscalYear,
    Receipt,
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


def _claims_url(query: str = "") -> str:
    return reverse("finance:claim_list") + query


def _approved_claim_ids() -> set[int]:
    from django.contrib.contenttypes.models import ContentType

    from whitewall.approvals.models import ApprovalRequest

    return set(
        ApprovalRequest.objects.filter(
            content_type=ContentType.objects.get_for_model(Claim),
            process=Claim.approval_process,
            status=RequestStatus.APPROVED,
        ).values_list("object_id", flat=True)
    )


@clause_check("5.2.1")
def no_claim_paid_without_approval() -> CheckResult:
    paid = set(Claim.objects.filter(status=ClaimStatus.PAID).values_list("pk", flat=True))
    without = paid - _approved_claim_ids()
    figures = {"paid": len(paid), "paid_without_approval": len(without)}
    if without:
        return CheckResult(
            Status.RED,
            _("%(count)d paid claims have no approved approval request.") % {"count": len(without)},
            _claims_url("?status=paid"),
            figures,
        )
    if not paid:
        return CheckResult(Status.AMBER, _("No claim has been paid yet."), _claims_url(), figures)
    return CheckResult(
        Status.GREEN,
        _("All %(count)d paid claims went through submission, approval and payment.") % {"count": len(paid)},
        _claims_url("?status=paid"),
        figures,
    )


@clause_check("5.2.2")
def no_claim_over_standard_without_exception_approval() -> CheckResult:
    approved = _approved_claim_ids()
    over = Claim.objects.filter(
        exceeds_standard=True, status__in=[ClaimStatus.FINANCE_AUDIT, ClaimStatus.APPROVED, ClaimStatus.PAID]
    )
    over_ids = set(over.values_list("pk", flat=True))
    without_reason = set(
        ClaimLine.objects.filter(claim__in=over, exceeds_standard=True, exception_reason="").values_list(
            "claim_id", flat=True
        )
    )
    unapproved = (over_ids - approved) | without_reason
    figures = {"over_standard": len(over_ids), "without_exception_approval": len(unapproved)}
    if unapproved:
        return CheckResult(
            Status.RED,
            _("%(count)d claims exceed a standard without an approved exception.")
            % {"count": len(unapproved)},
            _claims_url(),
            figures,
        )
    return CheckResult(
        Status.GREEN,
        _(
            "Standards per category and grade are in force; %(count)d claims over a standard all carry an "
            "exception reason approved through the extra tier."
        )
        % {"count": len(over_ids)},
        _claims_url(),
        figures,
    )


@clause_check("5.2.3")
def finance_audit_catches_duplicates() -> CheckResult:
    paid = Claim.objects.filter(status=ClaimStatus.PAID)
    unaudited = paid.filter(audited_by__isnull=True).count()
    live = Receipt.objects.exclude(line__claim__status__in=[ClaimStatus.REJECTED, ClaimStatus.WITHDRAWN])
    duplicate_hashes = (
        live.values("sha256")
        .annotate(claims=Count("line__claim", distinct=True))
        .filter(claims__gt=1)
        .count()
    )
    figures = {"paid": paid.count(), "paid_unaudited": unaudited, "duplicate_receipts": duplicate_hashes}
    if unaudited or duplicate_hashes:
        return CheckResult(
            Status.RED,
            _(
                "%(unaudited)d paid claims were not audited; %(dups)d receipt files appear in more than one live claim."
            )
            % {"unaudited": unaudited, "dups": duplicate_hashes},
            _claims_url(),
            figures,
        )
    if not figures["paid"]:
        return CheckResult(
            Status.AMBER, _("No claim has been paid yet, so none has been audited."), _claims_url(), figures
        )
    return CheckResult(
        Status.GREEN,
        _("Every paid claim was audited by finance; no receipt file is claimed twice.") % {},
        _claims_url("?status=paid"),
        figures,
    )
