"""Budget control (5.1.2): the check, and every movement of the ledger's running totals.

The ledger (``BudgetLine`` per department × category × fiscal year, ``BudgetLineMonth`` per month)
holds budget, committed and actual as running totals. These functions are the only writers of
``committed`` and ``actual``; each movement also leaves a ``Commitment`` row per spending document
line (generic reference: content type + id + line key), which makes every call idempotent:

- ``budget_check``     read-only: would ``amount`` fit? (policy action ok / warn / stop)
- ``budget_commit``    a document line holds ``amount`` (re-committing changes the amount)
- ``budget_release``   the document's committed amounts are given back (rejected / withdrawn)
- ``budget_actualize`` committed becomes actual (paid), optionally at a lower amount
- ``budget_record_actual`` spending with no prior commitment goes straight to actual

A check reads one line row and at most 12 month rows, whatever the number of documents.
``budget_commit`` locks the line row (``select_for_update``) before it re-checks, so concurrent
commitments against one line are serialised and never overshoot a "stop".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from whitewall.config.policy import get_policy
from whitewall.finance.models import (
    ZERO,
    AdjustmentKind,
    AdjustmentStatus,
    Budget,
    BudgetAdjustment,
    BudgetCategory,
    BudgetLine,
    BudgetLineMonth,
    BudgetRevision,
    Commitment,
    CommitmentStatus,
    FiscalYear,
)

OK, WARN, STOP = "ok", "warn", "stop"


def money(value: Decimal) -> str:
    return f"¥{Decimal(value):,.2f}"


@dataclass(frozen=True)
class BudgetCheck:
    """The answer of a budget check (also what the live check in forms shows)."""

    action: str  # ok / warn / stop
    message: str
    amount: Decimal
    fiscal_year: int | None = None
    month: int | None = None
    line_id: int | None = None
    budget: Decimal = ZERO
    committed: Decimal = ZERO
    actual: Decimal = ZERO
    # What is left, annual and accumulated up to the month (after giving back ``exclude``).
    annual_remaining: Decimal = ZERO
    monthly_remaining: Decimal = ZERO
    # Which rule decided: "annual", "monthly", "fiscal_year" or "" when within budget.
    rule: str = ""
    warnings: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.action != STOP

    def as_dict(self) -> dict:
        return {
            "action": self.action,
            "message": self.message,
            "rule": self.rule,
            "amount": str(self.amount),
            "fiscal_year": self.fiscal_year,
            "month": self.month,
            "budget": str(self.budget),
            "committed": str(self.committed),
            "actual": str(self.actual),
            "annual_remaining": str(self.annual_remaining),
            "monthly_remaining": str(self.monthly_remaining),
        }


def _content_type(document) -> ContentType:
    return ContentType.objects.get_for_model(document, for_concrete_model=False)


def _fiscal_year(on: datetime.date) -> FiscalYear | None:
    return FiscalYear.for_date(on)


def _document_held(line: BudgetLine | None, exclude, months_upto: int | None) -> tuple[Decimal, Decimal]:
    """What ``exclude`` (a document) holds as committed on ``line``: annual, and up to the month."""
    if exclude is None or line is None or getattr(exclude, "pk", None) is None:
        return ZERO, ZERO
    held = Commitment.objects.filter(
        content_type=_content_type(exclude),
        object_id=exclude.pk,
        line=line,
        status=CommitmentStatus.COMMITTED,
    ).values_list("amount", "month")
    annual = sum((amount for amount, _month in held), ZERO)
    monthly = sum((amount for amount, month in held if months_upto is None or month <= months_upto), ZERO)
    return annual, monthly


def _evaluate(
    *,
    line: BudgetLine | None,
    fiscal_year: FiscalYear,
    month: int,
    category: BudgetCategory,
    amount,
    given_back,
) -> BudgetCheck:
    amount = Decimal(amount)
    back_annual, back_monthly = given_back
    if line is None:
        budget = committed = actual = ZERO
        month_budget = month_used = ZERO
    else:
        budget, committed, actual = line.budget, line.committed, line.actual
        sums = BudgetLineMonth.objects.filter(line=line, month__lte=month).aggregate(
            b=Sum("budget"), c=Sum("committed"), a=Sum("actual")
        )
        month_budget = sums["b"] or ZERO
        month_used = (sums["c"] or ZERO) + (sums["a"] or ZERO)
    annual_remaining = budget - committed - actual + back_annual
    monthly_remaining = month_budget - month_used + back_monthly
    control = get_policy().finance.control_for(category.code)
    findings = []
    if amount > annual_remaining and control.annual != "ignore":
        findings.append(
            (
                control.annual,
                "annual",
                _(
                    "%(amount)s exceeds the remaining annual budget of %(remaining)s "
                    "(budget %(budget)s, committed %(committed)s, actual %(actual)s); policy: %(action)s."
                )
                % {
                    "amount": money(amount),
                    "remaining": money(annual_remaining),
                    "budget": money(budget),
                    "committed": money(committed - back_annual),
                    "actual": money(actual),
                    "action": control.annual,
                },
            )
        )
    if amount > monthly_remaining and control.monthly != "ignore":
        findings.append(
            (
                control.monthly,
                "monthly",
                _(
                    "%(amount)s exceeds the budget accumulated up to month %(month)s, of which "
                    "%(remaining)s is left; policy: %(action)s."
                )
                % {
                    "amount": money(amount),
                    "month": month,
                    "remaining": money(monthly_remaining),
                    "action": control.monthly,
                },
            )
        )
    stops = [f for f in findings if f[0] == STOP]
    decisive = stops[0] if stops else (findings[0] if findings else None)
    if decisive is None:
        action, rule = OK, ""
        message = _("Within budget: %(remaining)s left this year, %(monthly)s up to month %(month)s.") % {
            "remaining": money(annual_remaining - amount),
            "monthly": money(monthly_remaining - amount),
            "month": month,
        }
    else:
        action, rule, message = decisive
        if action != STOP:
            action = WARN
    return BudgetCheck(
        action=action,
        message=message,
        amount=amount,
        fiscal_year=fiscal_year.year,
        month=month,
        line_id=line.pk if line else None,
        budget=budget,
        committed=committed,
        actual=actual,
        annual_remaining=annual_remaining,
        monthly_remaining=monthly_remaining,
        rule=rule,
        warnings=tuple(f[2] for f in findings if f[0] != STOP),
    )


def _no_fiscal_year(on, amount) -> BudgetCheck:
    return BudgetCheck(
        action=STOP,
        message=_("No fiscal year covers %(date)s: set one up before spending on that date.") % {"date": on},
        amount=Decimal(amount),
        rule="fiscal_year",
    )


def budget_check(*, department, category, on: datetime.date, amount, exclude=None) -> BudgetCheck:
    """Would spending ``amount`` on ``on`` fit the department's budget for ``category``?

    ``exclude`` is a document whose own committed amounts on the line are counted as available
    (re-checking a document that already holds its commitment, e.g. at an approval step).
    Reads at most one line row, 12 month rows and the document's own commitments.
    """
    fiscal_year = _fiscal_year(on)
    if fiscal_year is None:
        return _no_fiscal_year(on, amount)
    month = fiscal_year.month_of(on)
    line = BudgetLine.objects.filter(
        fiscal_year=fiscal_year, department=department, category=category
    ).first()
    return _evaluate(
        line=line,
        fiscal_year=fiscal_year,
        month=month,
        category=category,
        amount=amount,
        given_back=_document_held(line, exclude, month),
    )


def _line(fiscal_year, department, category) -> BudgetLine:
    """The ledger line, created (with its 12 months) on first use; concurrent creators agree."""
    line = BudgetLine.objects.filter(
        fiscal_year=fiscal_year, department=department, category=category
    ).first()
    if line is not None:
        return line
    try:
        with transaction.atomic():
            line = BudgetLine.objects.create(
                fiscal_year=fiscal_year, department=department, category=category
            )
            BudgetLineMonth.objects.bulk_create([BudgetLineMonth(line=line, month=m) for m in range(1, 13)])
            return line
    except IntegrityError:
        return BudgetLine.objects.get(fiscal_year=fiscal_year, department=department, category=category)


def _lock(line: BudgetLine) -> BudgetLine:
    return BudgetLine.objects.select_for_update().select_related("category").get(pk=line.pk)


def _move(line_id: int, month: int, *, committed=ZERO, actual=ZERO, budget=ZERO) -> None:
    """Add to the running totals of a line and one of its months (the line row is locked)."""
    BudgetLine.objects.filter(pk=line_id).update(
        committed=F("committed") + committed,
        actual=F("actual") + actual,
        budget=F("budget") + budget,
        updated=timezone.now(),
    )
    BudgetLineMonth.objects.filter(line_id=line_id, month=month).update(
        committed=F("committed") + committed, actual=F("actual") + actual, budget=F("budget") + budget
    )


def _may_override(actor) -> bool:
    role = get_policy().finance.override_role
    return actor is not None and (actor.is_superuser or role in actor.role_codes())


@transaction.atomic
def budget_commit(
    *,
    actor,
    document,
    line_key: str,
    department,
    category,
    on: datetime.date,
    amount,
    override_reason: str | None = None,
    project=None,
    description: str = "",
) -> tuple[Commitment, BudgetCheck]:
    """Commit ``amount`` of the line for one line of a spending document (idempotent).

    Locks the ledger line, re-checks, and either commits or raises ``ValidationError`` naming the
    rule ("amount"). A "stop" may be overridden by the policy's override role with a reason; the
    override is recorded on the commitment (and so in the audit trail). Committing again for the
    same document line replaces its amount (and moves it if the line changed).
    """
    amount = Decimal(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be greater than zero.")})
    override_reason = (override_reason or "").strip()
    fiscal_year = _fiscal_year(on)
    if fiscal_year is None:
        raise ValidationError({"date": _no_fiscal_year(on, amount).message})
    month = fiscal_year.month_of(on)
    content_type = _content_type(document)
    line = _lock(_line(fiscal_year, department, category))
    existing = (
        Commitment.objects.select_for_update()
        .filter(content_type=content_type, object_id=document.pk, line_key=line_key)
        .first()
    )
    if existing is not None and existing.status == CommitmentStatus.ACTUAL:
        raise ValidationError(_("This document line is already paid; its budget cannot be committed again."))
    if existing is not None and existing.status == CommitmentStatus.COMMITTED and existing.line_id != line.pk:
        _release_one(existing)  # the document line moved to another budget line
        existing.refresh_from_db()
    held = existing.amount if existing is not None and existing.status == CommitmentStatus.COMMITTED else ZERO
    if held and held == amount and existing.month == month:
        return existing, budget_check(
            department=department, category=category, on=on, amount=amount, exclude=document
        )
    check = _evaluate(
        line=line,
        fiscal_year=fiscal_year,
        month=month,
        category=line.category,
        amount=amount,
        given_back=(held, held if existing is not None and existing.month <= month else ZERO),
    )
    overridden = False
    if check.action == STOP:
        if not override_reason:
            raise ValidationError({"amount": check.message})
        if not _may_override(actor):
            raise PermissionDenied(
                _("Only the role “%(role)s” may override a budget stop.")
                % {"role": get_policy().finance.override_role}
            )
        overridden = True
    elif override_reason and not _may_override(actor):
        override_reason = ""
    if existing is None:
        existing = Commitment(content_type=content_type, object_id=document.pk, line_key=line_key)
    elif held:
        _move(existing.line_id, existing.month, committed=-held)
    existing.line = line
    existing.month = month
    existing.on = on
    existing.amount = amount
    existing.actual_amount = ZERO
    existing.status = CommitmentStatus.COMMITTED
    existing.project = project
    existing.description = (description or "")[:300]
    existing.committed_by = actor if getattr(actor, "pk", None) else None
    existing.warning = (check.message if check.action != OK else "")[:300]
    existing.override_reason = override_reason[:500] if overridden else ""
    existing.overridden_by = actor if overridden else None
    existing.save()
    _move(line.pk, month, committed=amount)
    return existing, check


def _release_one(commitment: Commitment) -> None:
    _lock(commitment.line)
    _move(commitment.line_id, commitment.month, committed=-commitment.amount)
    commitment.status = CommitmentStatus.RELEASED
    commitment.amount = ZERO
    commitment.save(update_fields=["status", "amount", "updated"])


def _commitments(document, line_key: str | None):
    qs = Commitment.objects.select_for_update().filter(
        content_type=_content_type(document), object_id=document.pk
    )
    if line_key is not None:
        qs = qs.filter(line_key=line_key)
    return list(qs.order_by("line_id", "id"))


@transaction.atomic
def budget_release(*, actor, document, line_key: str | None = None) -> int:
    """Give back what the document (or one of its lines) holds as committed. Idempotent: returns
    how many commitments were released now."""
    released = 0
    for commitment in _commitments(document, line_key):
        if commitment.status == CommitmentStatus.COMMITTED:
            _release_one(commitment)
            released += 1
    return released


@transaction.atomic
def budget_actualize(*, actor, document, line_key: str | None = None, amount=None) -> int:
    """Turn committed into actual (payment). ``amount`` (one line only) may be lower than what was
    committed, e.g. a sanctioned amount; the rest is released. Idempotent: lines already actual are
    left alone. Returns how many commitments became actual now."""
    if amount is not None and line_key is None:
        raise ValueError("amount needs a line_key")
    done = 0
    for commitment in _commitments(document, line_key):
        if commitment.status != CommitmentStatus.COMMITTED:
            continue
        spent = commitment.amount if amount is None else Decimal(amount)
        if spent < 0 or spent > commitment.amount:
            raise ValidationError(
                {
                    "amount": _("The actual amount must be between zero and the committed %(held)s.")
                    % {"held": money(commitment.amount)}
                }
            )
        _lock(commitment.line)
        _move(commitment.line_id, commitment.month, committed=-commitment.amount, actual=spent)
        commitment.status = CommitmentStatus.ACTUAL
        commitment.actual_amount = spent
        commitment.amount = ZERO
        commitment.save(update_fields=["status", "actual_amount", "amount", "updated"])
        done += 1
    return done


@transaction.atomic
def budget_record_actual(
    *,
    actor,
    document,
    line_key: str,
    department,
    category,
    on: datetime.date,
    amount,
    project=None,
    description="",
) -> Commitment:
    """Record spending that had no commitment (imported payroll, contracts) straight as actual.
    Idempotent per document line: recording again replaces the amount."""
    amount = Decimal(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be greater than zero.")})
    fiscal_year = _fiscal_year(on)
    if fiscal_year is None:
        raise ValidationError({"date": _no_fiscal_year(on, amount).message})
    month = fiscal_year.month_of(on)
    line = _lock(_line(fiscal_year, department, category))
    content_type = _content_type(document)
    commitment = (
        Commitment.objects.select_for_update()
        .filter(content_type=content_type, object_id=document.pk, line_key=line_key)
        .first()
    )
    if commitment is not None:
        if commitment.line_id != line.pk:
            _lock(commitment.line)
        _move(
            commitment.line_id,
            commitment.month,
            committed=-commitment.amount,
            actual=-commitment.actual_amount,
        )
    else:
        commitment = Commitment(content_type=content_type, object_id=document.pk, line_key=line_key)
    commitment.line, commitment.month, commitment.on = line, month, on
    commitment.amount, commitment.actual_amount = ZERO, amount
    commitment.status = CommitmentStatus.ACTUAL
    commitment.project = project
    commitment.description = (description or "")[:300]
    commitment.committed_by = actor if getattr(actor, "pk", None) else None
    commitment.save()
    _move(line.pk, month, actual=amount)
    return commitment


# --- budgets and adjustments reaching the ledger ---------------------------------------------------
@transaction.atomic
def budget_line_set_budget(budget: Budget) -> BudgetLine:
    """Write an activated budget's annual and monthly amounts into its ledger line."""
    line = _lock(_line(budget.fiscal_year, budget.department, budget.category))
    months = budget.month_amounts
    BudgetLine.objects.filter(pk=line.pk).update(budget=sum(months, ZERO), updated=timezone.now())
    for month, value in enumerate(months, start=1):
        BudgetLineMonth.objects.filter(line=line, month=month).update(budget=value)
    line.refresh_from_db()
    return line


def adjustment_room_error(adjustment: BudgetAdjustment) -> str | None:
    """Why the adjustment cannot be applied now (a line would fall below committed + actual)."""
    if adjustment.kind not in (AdjustmentKind.DECREASE, AdjustmentKind.TRANSFER) or adjustment.source is None:
        return None
    line = BudgetLine.objects.get(pk=adjustment.source_id)
    if line.budget - adjustment.amount < line.committed + line.actual:
        return _(
            "The line %(line)s would fall below what is committed and spent: budget %(budget)s − "
            "%(amount)s < committed %(committed)s + actual %(actual)s."
        ) % {
            "line": line,
            "budget": money(line.budget),
            "amount": money(adjustment.amount),
            "committed": money(line.committed),
            "actual": money(line.actual),
        }
    month = BudgetLineMonth.objects.get(line=line, month=adjustment.month)
    if month.budget - adjustment.amount < 0:
        return _("Month %(month)s of %(line)s has only %(budget)s of budget to take from.") % {
            "month": adjustment.month,
            "line": line,
            "budget": money(month.budget),
        }
    return None


def _revise_plan(line: BudgetLine, month: int, delta: Decimal, note: str) -> None:
    budget = Budget.objects.filter(
        fiscal_year_id=line.fiscal_year_id, department_id=line.department_id, category_id=line.category_id
    ).first()
    if budget is None:
        return
    months = budget.month_amounts
    months[month - 1] += delta
    budget.months = [str(m) for m in months]
    budget.amount = sum(months, ZERO)
    budget.distribution = "amount"
    budget.month_values = [str(m) for m in months]
    budget.version += 1
    budget.save(update_fields=["months", "amount", "distribution", "month_values", "version", "updated"])
    BudgetRevision.record(budget, actor=None, note=note)


def adjustment_apply(adjustment: BudgetAdjustment) -> BudgetAdjustment:
    """Apply an approved adjustment to the ledger (inside the approving transaction)."""
    lines = sorted(line_id for line_id in (adjustment.source_id, adjustment.target_id) if line_id)
    for line_id in lines:
        BudgetLine.objects.select_for_update().get(pk=line_id)
    error = adjustment_room_error(adjustment)
    if error:
        raise ValidationError({"amount": error})
    note = _("Adjustment #%(pk)s: %(reason)s") % {"pk": adjustment.pk, "reason": adjustment.reason}
    if adjustment.source_id:
        _move(adjustment.source_id, adjustment.month, budget=-adjustment.amount)
        _revise_plan(adjustment.source, adjustment.month, -adjustment.amount, note)
    if adjustment.target_id:
        _move(adjustment.target_id, adjustment.month, budget=adjustment.amount)
        _revise_plan(adjustment.target, adjustment.month, adjustment.amount, note)
    adjustment.status = AdjustmentStatus.APPLIED
    adjustment.applied_at = timezone.now()
    adjustment.save(update_fields=["status", "applied_at", "updated"])
    return adjustment
