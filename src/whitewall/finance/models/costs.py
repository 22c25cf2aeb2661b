"""Cost analysis (5.3.1) and cost saving (5.3.2).

- ``CostReport``: the monthly cost analysis report. A periodic job creates it on the 1st for the
  previous month with a frozen snapshot of the figures (``snapshot``, JSON); the finance officer
  writes findings and actions and publishes it (executives and department heads are told).
- ``SavingMeasure``: a saving measure with owner, department, category, baseline, target and
  period; its measured effect is computed from the ledger's monthly actuals (see
  ``finance.analysis.measure_effect``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from whitewall.core.models import BaseModel
from whitewall.finance.models.budgets import ZERO, BudgetCategory, money_field


class CostReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class CostReport(BaseModel):
    # The first day of the month the report covers (unique: one report per month).
    month = models.DateField(_("month"), unique=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CostReportStatus.choices,
        default=CostReportStatus.DRAFT,
        db_index=True,
    )
    snapshot = models.JSONField(_("figures"), default=dict, editable=False)
    generated_at = models.DateTimeField(_("figures taken at"), null=True, blank=True, editable=False)
    summary = models.TextField(_("summary"), blank=True)
    findings = models.TextField(_("findings"), blank=True)
    actions = models.TextField(_("actions"), blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("cost report")
        verbose_name_plural = _("cost reports")
        ordering = ("-month",)

    def __str__(self) -> str:
        return _("Cost report %(month)s") % {"month": self.month.strftime("%Y-%m") if self.month else "—"}

    def clean(self):
        if self.month and self.month.day != 1:
            raise ValidationError({"month": _("Give the first day of the month the report covers.")})


class SavingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class SavingMeasure(BaseModel):
    title = models.CharField(_("measure"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        BudgetCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="saving_measures"
    )
    baseline = money_field(
        _("baseline per month"),
        validators=[MinValueValidator(ZERO)],
        help_text=_("The monthly cost before the measure, as estimated when it was planned."),
    )
    target_saving = money_field(
        _("target saving per month"),
        validators=[MinValueValidator(ZERO)],
        help_text=_("How much less per month the measure should cost."),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(
        _("status"), max_length=20, choices=SavingStatus.choices, default=SavingStatus.PLANNED, db_index=True
    )

    class Meta:
        verbose_name = _("saving measure")
        verbose_name_plural = _("saving measures")
        ordering = ("-start_date", "-id")

    def __str__(self) -> str:
        return self.title

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date cannot be before the start date.")
        if (
            self.baseline is not None
            and self.target_saving is not None
            and self.target_saving > self.baseline
        ):
            errors["target_saving"] = _("The target saving cannot exceed the monthly baseline.")
        if errors:
            raise ValidationError(errors)
