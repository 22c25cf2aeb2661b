"""Budgets, adjustments and actual entries: create, change, submit, activate."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from whitewall.approvals.services import approval_submit
from whitewall.core.permissions import has_model_permission
from whitewall.finance import control
from whitewall.finance.models import (
    ActualEntry,
    AdjustmentStatus,
    Budget,
    BudgetAdjustment,
    BudgetCategory,
    BudgetRevision,
    BudgetStatus,
)

__all__ = [
    "actual_entry_save",
    "adjustment_save",
    "adjustment_submit",
    "budget_activate",
    "budget_save",
    "budget_submit",
    "ensure_default_categories",
]

# The budget categories every installation starts with: code, name (data in the default
# language), description, sort order. The data migration seeds them; finance officers may add,
# rename or retire categories afterwards.
DEFAULT_CATEGORIES = (
    ("personnel", "人员费用", "工资、社保、公积金、奖金等人员成本", 10),
    ("equipment", "设备购置", "服务器、电脑、网络设备等固定资产购置", 20),
    ("operating", "日常运营", "办公用品、软件订阅、邮寄、零星服务", 30),
    ("marketing", "市场推广", "推广物料、活动、广告投放", 40),
    ("training", "培训费用", "课程、考试、培训资料", 50),
    ("travel", "差旅费用", "交通、住宿、伙食补助", 60),
)


def ensure_default_categories(model=None) -> int:
    """Create the default categories that are missing (by code; existing ones are left as they
    are). Returns how many were created. ``model`` is the category model to use: the data
    migration passes its historical model; everyone else leaves the default."""
    model = model or BudgetCategory
    existing = set(
        model.objects.filter(code__in=[row[0] for row in DEFAULT_CATEGORIES]).values_list("code", flat=True)
    )
    made = 0
    for code, name, description, order in DEFAULT_CATEGORIES:
        if code not in existing:
            model.objects.create(code=code, name=name, description=description, sort_order=order)
            made += 1
    return made


def _require(actor, obj_or_model, action: str) -> None:
    if actor is None:
        return
    if isinstance(obj_or_model, type):
        allowed = has_model_permission(actor, obj_or_model, action)
    else:
        allowed = type(obj_or_model).objects.restrict(actor, action).filter(pk=obj_or_model.pk).exists()
    if not allowed:
        raise PermissionDenied(_("You do not have permission to do this."))


@transaction.atomic
def budget_save(*, actor, budget: Budget, note: str = "") -> Budget:
    """Create or change a budget while it is a draft; every save is a new version (revision)."""
    creating = budget.pk is None
    if creating:
        _require(actor, Budget, "add")
        budget.status = BudgetStatus.DRAFT
        budget.version = 1
        if budget.owner_id is None and actor is not None:
            budget.owner = actor
    else:
        _require(actor, Budget, "change")
        current = Budget.objects.select_for_update().get(pk=budget.pk)
        if current.status != BudgetStatus.DRAFT:
            raise ValidationError(
                _("Only a draft budget can be changed; this one is “%(status)s”. Use a budget adjustment.")
                % {"status": current.get_status_display()}
            )
        budget.version = current.version + 1
    budget.full_clean()
    budget.save()
    BudgetRevision.record(budget, actor=actor, note=note or (_("Created") if creating else _("Changed")))
    return budget


@transaction.atomic
def budget_submit(*, actor, budget: Budget):
    """Send a draft budget through the policy's ``finance.budget`` flow."""
    budget = Budget.objects.select_for_update().get(pk=budget.pk)
    if budget.status != BudgetStatus.DRAFT:
        raise ValidationError(_("Only a draft budget can be submitted."))
    if budget.amount <= 0:
        raise ValidationError({"amount": _("A budget to approve needs an annual amount above zero.")})
    return approval_submit(actor=actor, document=budget)


@transaction.atomic
def budget_activate(*, actor, budget: Budget) -> Budget:
    """Make an approved budget the line's budget in the control ledger."""
    _require(actor, budget, "change")
    budget = Budget.objects.select_for_update().get(pk=budget.pk)
    if budget.status != BudgetStatus.APPROVED:
        raise ValidationError(
            _("Only an approved budget can be activated; this one is “%(status)s”.")
            % {"status": budget.get_status_display()}
        )
    control.budget_line_set_budget(budget)
    budget.status = BudgetStatus.ACTIVE
    budget.save(update_fields=["status", "updated"])
    BudgetRevision.record(budget, actor=actor, note=_("Activated"))
    return budget


@transaction.atomic
def adjustment_save(*, actor, adjustment: BudgetAdjustment) -> BudgetAdjustment:
    if adjustment.pk is None:
        _require(actor, BudgetAdjustment, "add")
        if actor is not None and adjustment.applicant_id is None:
            adjustment.applicant = actor
    else:
        _require(actor, BudgetAdjustment, "change")
        current = BudgetAdjustment.objects.select_for_update().get(pk=adjustment.pk)
        if current.status != AdjustmentStatus.DRAFT:
            raise ValidationError(_("Only a draft adjustment can be changed."))
    adjustment.status = AdjustmentStatus.DRAFT
    adjustment.full_clean()
    error = control.adjustment_room_error(adjustment)
    if error:
        raise ValidationError({"amount": error})
    adjustment.save()
    return adjustment


@transaction.atomic
def adjustment_submit(*, actor, adjustment: BudgetAdjustment):
    """Send an adjustment through ``finance.budget_adjustment``; applied only once approved."""
    adjustment = BudgetAdjustment.objects.select_for_update().get(pk=adjustment.pk)
    if adjustment.status != AdjustmentStatus.DRAFT:
        raise ValidationError(_("Only a draft adjustment can be submitted."))
    error = control.adjustment_room_error(adjustment)
    if error:
        raise ValidationError({"amount": error})
    return approval_submit(actor=actor, document=adjustment)


@transaction.atomic
def actual_entry_save(*, actor, entry: ActualEntry) -> ActualEntry:
    """Enter (or correct) spending outside claims and purchases; it goes straight to actual."""
    _require(actor, ActualEntry, "add" if entry.pk is None else "change")
    entry.full_clean()
    _post_actual_entry(actor, entry)
    return entry


def _post_actual_entry(actor, entry: ActualEntry) -> None:
    """Save a validated actual entry and record it in its ledger line's actual column."""
    entry.save()
    control.budget_record_actual(
        actor=actor,
        document=entry,
        line_key="",
        department=entry.department,
        category=entry.category,
        on=entry.date,
        amount=entry.amount,
        project=entry.project,
        description=entry.description,
    )
