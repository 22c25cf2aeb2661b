"""Budgets (5.1.1), the control ledger (5.1.2) and budget adjustments (5.1.3).

Two layers:

- the **plan**: ``Budget`` — an annual amount for a department × category × fiscal year with its
  monthly distribution, approved through the policy's ``finance.budget`` flow, every version kept
  in ``BudgetRevision``;
- the **ledger**: ``BudgetLine`` (one row per department × category × fiscal year) and
  ``BudgetLineMonth`` (12 rows per line) hold running totals — budget, committed, actual — that the
  services in ``finance.control`` keep current. ``Commitment`` records each spending document line's
  part of them (generic reference: content type + id + line key), so that committing, releasing and
  actualising are idempotent. Nothing is ever summed per document to answer a budget check.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from whitewall.approvals.mixins import Approvable
from whitewall.core.models import BaseModel

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MONTHS = range(1, 13)


def money_field(verbose_name, **kwargs):
    kwargs.setdefault("max_digits", 14)
    kwargs.setdefault("decimal_places", 2)
    return models.DecimalField(verbose_name, **kwargs)


class FiscalYear(BaseModel):
    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    is_closed = models.BooleanField(_("closed"), default=False)

    class Meta:
        verbose_name = _("fiscal year")
        verbose_name_plural = _("fiscal years")
        ordering = ("-year",)

    def __str__(self) -> str:
        return _("FY %(year)s") % {"year": self.year}

    def clean(self):
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ValidationError({"end_date": _("The end date must be after the start date.")})

    @classmethod
    def for_date(cls, on: datetime.date) -> FiscalYear | None:
        return cls.objects.filter(start_date__lte=on, end_date__gte=on).first()

    def month_of(self, on: datetime.date) -> int:
        """The fiscal month (1–12) of a date inside this year."""
        return (on.year - self.start_date.year) * 12 + on.month - self.start_date.month + 1


class BudgetCategory(BaseModel):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(pgettext_lazy("switched on", "active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=100)

    class Meta:
        verbose_name = _("budget category")
        verbose_name_plural = _("budget categories")
        ordering = ("sort_order", "name")

    def __str__(self) -> str:
        return self.name


class BudgetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    ACTIVE = "active", _("Active")


class Distribution(models.TextChoices):
    EVEN = "even", _("Even")
    PERCENT = "percent", _("Percentages")
    AMOUNT = "amount", _("Amounts")


def spread(amount: Decimal, distribution: str, values: list) -> list[Decimal]:
    """The 12 monthly amounts of ``amount``; raises ValidationError on ``month_values`` if they do
    not add up (percentages to 100, amounts to the annual amount)."""
    amount = Decimal(amount or 0).quantize(CENT)
    if distribution == Distribution.EVEN:
        base = (amount / 12).quantize(CENT, rounding="ROUND_DOWN")
        return [base] * 11 + [amount - base * 11]
    if len(values) != 12:
        raise ValidationError({"month_values": _("Give exactly 12 monthly values (one per month).")})
    try:
        numbers = [Decimal(str(value)) for value in values]
    except ArithmeticError:
        raise ValidationError({"month_values": _("Every monthly value must be a number.")})
    if any(not number.is_finite() or number < 0 for number in numbers):
        raise ValidationError({"month_values": _("Monthly values cannot be negative.")})
    if distribution == Distribution.PERCENT:
        total = sum(numbers)
        if total != 100:
            raise ValidationError(
                {
                    "month_values": _("The monthly percentages add up to %(total)s%%, not 100%%.")
                    % {"total": total}
                }
            )
        months = [(amount * number / 100).quantize(CENT) for number in numbers[:11]]
        return months + [amount - sum(months)]
    months = [number.quantize(CENT) for number in numbers]
    if sum(months) != amount:
        raise ValidationError(
            {
                "month_values": _(
                    "The 12 monthly amounts add up to %(total)s, not the annual amount %(amount)s."
                )
                % {"total": sum(months), "amount": amount}
            }
        )
    return months


class Budget(Approvable, BaseModel):
    """The annual budget of one department for one category in one fiscal year (the plan)."""

    approval_process = "finance.budget"

    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("fiscal year"), on_delete=models.PROTECT, related_name="budgets"
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="budgets"
    )
    category = models.ForeignKey(
        BudgetCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="budgets"
    )
    amount = money_field(_("annual amount"), validators=[MinValueValidator(ZERO)])
    distribution = models.CharField(
        _("monthly distribution"), max_length=10, choices=Distribution.choices, default=Distribution.EVEN
    )
    # As entered: 12 percentages or 12 amounts (empty for an even distribution).
    month_values = models.JSONField(_("monthly values"), default=list, blank=True)
    # The resulting 12 monthly amounts (strings of Decimals), computed on every save.
    months = models.JSONField(_("monthly amounts"), default=list, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=BudgetStatus.choices, default=BudgetStatus.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    note = models.TextField(_("note"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ("-fiscal_year__year", "department__sort_order", "category__sort_order")
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "department", "category"], name="finance_budget_one_per_line"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} · {self.department} · {self.category}"

    def clean(self):
        if self.amount is not None and self.amount < 0:
            raise ValidationError({"amount": _("The annual amount cannot be negative.")})
        values = self.month_values or []
        if isinstance(values, str):
            values = [part for part in values.replace(",", " ").split() if part]
        self.months = [str(m) for m in spread(self.amount or ZERO, self.distribution, values)]

    @property
    def month_amounts(self) -> list[Decimal]:
        return [Decimal(m) for m in self.months] if self.months else [ZERO] * 12

    # --- approval hooks -----------------------------------------------------------------------
    def approval_department(self, applicant):
        return self.department

    def approval_title(self) -> str:
        return str(_("Budget %(budget)s") % {"budget": self})[:200]

    def on_submitted(self, request) -> None:
        self._set_status(BudgetStatus.SUBMITTED, _("Submitted for approval"))

    def on_approved(self, request) -> None:
        self._set_status(BudgetStatus.APPROVED, _("Approved"))

    def on_rejected(self, request) -> None:
        self._set_status(BudgetStatus.DRAFT, _("Rejected; back to draft"))

    def on_sent_back(self, request) -> None:
        self._set_status(BudgetStatus.DRAFT, _("Sent back for changes"))

    def on_withdrawn(self, request) -> None:
        self._set_status(BudgetStatus.DRAFT, _("Withdrawn"))

    def _set_status(self, status: str, note) -> None:
        self.status = status
        self.save(update_fields=["status", "updated"])
        BudgetRevision.record(self, actor=None, note=str(note))


class BudgetRevision(BaseModel):
    """One version of a budget: written on every change (never edited)."""

    budget = models.ForeignKey(
        Budget, verbose_name=_("budget"), on_delete=models.CASCADE, related_name="revisions"
    )
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=20, choices=BudgetStatus.choices)
    amount = money_field(_("annual amount"))
    distribution = models.CharField(_("monthly distribution"), max_length=10, choices=Distribution.choices)
    months = models.JSONField(_("monthly amounts"), default=list)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("budget revision")
        verbose_name_plural = _("budget revisions")
        ordering = ("budget", "-id")

    def __str__(self) -> str:
        return f"{self.budget} v{self.version}"

    @classmethod
    def record(cls, budget: Budget, *, actor, note: str = "") -> BudgetRevision:
        return cls.objects.create(
            budget=budget,
            version=budget.version,
            status=budget.status,
            amount=budget.amount,
            distribution=budget.distribution,
            months=list(budget.months),
            changed_by=actor,
            note=note[:300],
        )


# --- the ledger ----------------------------------------------------------------------------------
class BudgetLine(BaseModel):
    """Running totals of one department × category × fiscal year (the control ledger)."""

    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("fiscal year"), on_delete=models.PROTECT, related_name="lines"
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="budget_lines",
    )
    category = models.ForeignKey(
        BudgetCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="lines"
    )
    budget = money_field(_("budget"), default=ZERO)
    committed = money_field(_("committed"), default=ZERO)
    actual = money_field(_("actual"), default=ZERO)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ("-fiscal_year__year", "department__sort_order", "category__sort_order")
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "department", "category"], name="finance_line_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} · {self.department} · {self.category}"

    @property
    def used(self) -> Decimal:
        return self.committed + self.actual

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.committed - self.actual

    @property
    def execution_rate(self) -> Decimal | None:
        if not self.budget:
            return None
        return (self.actual / self.budget * 100).quantize(Decimal("0.1"))


class BudgetLineMonth(models.Model):
    line = models.ForeignKey(
        BudgetLine, verbose_name=_("budget line"), on_delete=models.CASCADE, related_name="months"
    )
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    budget = money_field(_("budget"), default=ZERO)
    committed = money_field(_("committed"), default=ZERO)
    actual = money_field(_("actual"), default=ZERO)

    class Meta:
        verbose_name = _("budget line month")
        verbose_name_plural = _("budget line months")
        ordering = ("line", "month")
        constraints = [models.UniqueConstraint(fields=["line", "month"], name="finance_line_month_unique")]

    def __str__(self) -> str:
        return f"{self.line} · {self.month}"


class CommitmentStatus(models.TextChoices):
    COMMITTED = "committed", _("Committed")
    RELEASED = "released", _("Released")
    ACTUAL = "actual", _("Actual")


class Commitment(BaseModel):
    """One spending document line's part of the ledger (idempotent: one row per document line)."""

    line = models.ForeignKey(
        BudgetLine, verbose_name=_("budget line"), on_delete=models.PROTECT, related_name="commitments"
    )
    month = models.PositiveSmallIntegerField(_("month"))
    on = models.DateField(_("date"))
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField(_("document id"))
    document = GenericForeignKey("content_type", "object_id")
    line_key = models.CharField(_("line key"), max_length=64, blank=True)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CommitmentStatus.choices,
        default=CommitmentStatus.COMMITTED,
        db_index=True,
    )
    # What is currently held as committed, and what became actual (both feed the line's totals).
    amount = money_field(_("committed amount"), default=ZERO)
    actual_amount = money_field(_("actual amount"), default=ZERO)
    warning = models.CharField(_("warning"), max_length=300, blank=True)
    override_reason = models.CharField(_("override reason"), max_length=500, blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("overridden by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("committed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ("-id",)
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "line_key"],
                name="finance_commitment_one_per_document_line",
            ),
        ]
        indexes = [models.Index(fields=["line", "status"])]

    def __str__(self) -> str:
        # People read the kind of document ("purchase request #7"), not the model's code name.
        model = self.content_type.model_class()
        kind = capfirst(model._meta.verbose_name) if model else self.content_type.model
        return f"{kind} #{self.object_id}"


class ActualEntry(BaseModel):
    """Spending that is neither a claim nor a purchase (payroll totals, contracts), entered or
    imported as actual: it goes straight to the ledger's actual column."""

    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        BudgetCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    date = models.DateField(_("date"))
    amount = money_field(_("amount"), validators=[MinValueValidator(CENT)])
    description = models.CharField(_("description"), max_length=300)
    reference = models.CharField(_("reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("actual entry")
        verbose_name_plural = _("actual entries")
        ordering = ("-date", "-id")

    def __str__(self) -> str:
        return f"{self.date} · {self.description}"


# --- adjustments (5.1.3) -------------------------------------------------------------------------
class AdjustmentKind(models.TextChoices):
    INCREASE = "increase", _("Increase")
    DECREASE = "decrease", _("Decrease")
    TRANSFER = "transfer", _("Transfer")


class AdjustmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("In approval")
    APPLIED = "applied", _("Approved and applied")
    REJECTED = "rejected", _("Rejected")


class BudgetAdjustment(Approvable, BaseModel):
    """An increase, decrease or transfer of budget, applied to the ledger only once approved."""

    approval_process = "finance.budget_adjustment"

    kind = models.CharField(_("kind"), max_length=10, choices=AdjustmentKind.choices)
    # Decrease and transfer take from the source line; increase and transfer add to the target line.
    source = models.ForeignKey(
        BudgetLine,
        verbose_name=_("from line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adjustments_out",
    )
    target = models.ForeignKey(
        BudgetLine,
        verbose_name=_("to line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adjustments_in",
    )
    month = models.PositiveSmallIntegerField(
        _("month"),
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("The fiscal month whose budget changes."),
    )
    amount = money_field(_("amount"), validators=[MinValueValidator(CENT)])
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AdjustmentStatus.choices,
        default=AdjustmentStatus.DRAFT,
        db_index=True,
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("budget adjustment")
        verbose_name_plural = _("budget adjustments")
        ordering = ("-id",)

    def __str__(self) -> str:
        return _("Adjustment #%(pk)s (%(kind)s)") % {"pk": self.pk or "—", "kind": self.get_kind_display()}

    def clean(self):
        errors = {}
        if self.amount is not None and self.amount <= 0:
            errors["amount"] = _("The amount must be greater than zero.")
        if self.kind in (AdjustmentKind.DECREASE, AdjustmentKind.TRANSFER) and not self.source_id:
            errors["source"] = _("A decrease or a transfer needs the line it takes budget from.")
        if self.kind in (AdjustmentKind.INCREASE, AdjustmentKind.TRANSFER) and not self.target_id:
            errors["target"] = _("An increase or a transfer needs the line it adds budget to.")
        if self.kind == AdjustmentKind.INCREASE and self.source_id:
            errors["source"] = _("An increase takes budget from no line; leave this empty.")
        if self.kind == AdjustmentKind.DECREASE and self.target_id:
            errors["target"] = _("A decrease adds budget to no line; leave this empty.")
        if self.kind == AdjustmentKind.TRANSFER and self.source_id and self.source_id == self.target_id:
            errors["target"] = _("A transfer needs two different lines.")
        if (
            self.kind == AdjustmentKind.TRANSFER
            and self.source_id
            and self.target_id
            and self.source.fiscal_year_id != self.target.fiscal_year_id
        ):
            errors["target"] = _("A transfer stays within one fiscal year.")
        if not (self.reason or "").strip():
            errors["reason"] = _("Give the reason for the adjustment.")
        if errors:
            raise ValidationError(errors)

    @property
    def department(self):
        line = self.target or self.source
        return line.department if line else None

    # --- approval hooks -----------------------------------------------------------------------
    def approval_can_submit(self, user) -> bool:
        return user.pk == self.applicant_id

    def approval_department(self, applicant):
        return self.department

    def on_submitted(self, request) -> None:
        self.status = AdjustmentStatus.SUBMITTED
        self.save(update_fields=["status", "updated"])

    def on_deciding(self, request, decision, actor) -> None:
        # Re-check at every step that the source line still has room (it may have been spent).
        from whitewall.finance.control import adjustment_room_error

        if decision == "approve":
            error = adjustment_room_error(self)
            if error:
                raise ValidationError({"amount": error})

    def on_approved(self, request) -> None:
        from whitewall.finance.control import adjustment_apply

        adjustment_apply(self)

    def on_rejected(self, request) -> None:
        self.status = AdjustmentStatus.REJECTED
        self.save(update_fields=["status", "updated"])

    def on_sent_back(self, request) -> None:
        self.status = AdjustmentStatus.DRAFT
        self.save(update_fields=["status", "updated"])

    on_withdrawn = on_sent_back
