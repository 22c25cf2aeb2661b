"""Console pages for fiscal years, categories, budgets, the ledger, adjustments and actual entries."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from whitewall.core.forms import StyledModelForm
from whitewall.core.money import format_money
from whitewall.core.permissions import CHANGE, VIEW
from whitewall.core.tables import Column
from whitewall.core.views import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView
from whitewall.core.views.generic import ObjectPermissionRequiredMixin
from whitewall.finance import filtersets, services
from whitewall.finance.models import (
    ActualEntry,
    AdjustmentStatus,
    Budget,
    BudgetAdjustment,
    BudgetCategory,
    BudgetLine,
    BudgetStatus,
    Commitment,
    Distribution,
    FiscalYear,
)


def link(obj):
    """The object's name linking to its page (for columns without a field of their own)."""
    return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj)


def money_column(name, label=None, order_by=None):
    return Column(
        name, label=label, order_by=order_by or name, render=lambda obj: format_money(getattr(obj, name))
    )


def status_column(name="status"):
    return Column(name, accessor=f"get_{name}_display", order_by=name)


# --- fiscal years and categories ----------------------------------------------------------------
class FiscalYearListView(ObjectListView):
    model = FiscalYear
    filterset_class = filtersets.FiscalYearFilterSet
    default_ordering = ("-year",)
    columns = [
        Column("year", order_by="year", linkify=True),
        Column("start_date", order_by="start_date"),
        Column("end_date", order_by="end_date"),
        Column("is_closed", order_by="is_closed"),
    ]


class FiscalYearDetailView(ObjectDetailView):
    model = FiscalYear
    detail_fields = ["year", "start_date", "end_date", "is_closed", "created", "updated"]


class FiscalYearForm(StyledModelForm):
    class Meta:
        model = FiscalYear
        fields = ("year", "start_date", "end_date", "is_closed")
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
        }


class FiscalYearEditView(ObjectEditView):
    model = FiscalYear
    form_class = FiscalYearForm


class FiscalYearDeleteView(ObjectDeleteView):
    model = FiscalYear


class BudgetCategoryListView(ObjectListView):
    model = BudgetCategory
    filterset_class = filtersets.BudgetCategoryFilterSet
    default_ordering = ("sort_order", "name")
    columns = [
        Column("name", order_by="name", linkify=True),
        Column("code", order_by="code"),
        Column("is_active", order_by="is_active"),
        Column("sort_order", order_by="sort_order"),
    ]


class BudgetCategoryDetailView(ObjectDetailView):
    model = BudgetCategory
    detail_fields = ["name", "code", "description", "is_active", "sort_order", "created", "updated"]


class BudgetCategoryForm(StyledModelForm):
    class Meta:
        model = BudgetCategory
        fields = ("name", "code", "description", "is_active", "sort_order")


class BudgetCategoryEditView(ObjectEditView):
    model = BudgetCategory
    form_class = BudgetCategoryForm


class BudgetCategoryDeleteView(ObjectDeleteView):
    model = BudgetCategory


# --- budgets ----------------------------------------------------------------------------------------
class BudgetListView(ObjectListView):
    model = Budget
    filterset_class = filtersets.BudgetFilterSet
    default_ordering = ("-fiscal_year__year", "department__sort_order", "category__sort_order")
    columns = [
        Column("id", label=gettext_lazy("Budget"), render=link, order_by="id"),
        Column("fiscal_year", order_by="fiscal_year__year"),
        Column("department", order_by="department__name"),
        Column("category", order_by="category__sort_order"),
        money_column("amount"),
        Column("distribution", accessor="get_distribution_display", order_by="distribution"),
        status_column(),
        Column("version", order_by="version"),
    ]

    def base_queryset(self):
        return Budget.objects.select_related("fiscal_year", "department", "category")


class BudgetDetailView(ObjectDetailView):
    model = Budget
    template_name = "finance/budget_detail.html"
    detail_fields = [
        "fiscal_year",
        "department",
        "category",
        Column("amount", render=lambda b: format_money(b.amount)),
        Column("distribution", accessor="get_distribution_display"),
        Column("status", accessor="get_status_display"),
        "version",
        "owner",
        "note",
        "updated",
    ]

    def base_queryset(self):
        return Budget.objects.select_related("fiscal_year", "department", "category", "owner")

    def extra_context(self, obj):
        user = self.request.user
        can_change = Budget.objects.restrict(user, CHANGE).filter(pk=obj.pk).exists()
        line = BudgetLine.objects.filter(
            fiscal_year=obj.fiscal_year_id, department=obj.department_id, category=obj.category_id
        ).first()
        return {
            "months": list(enumerate(obj.month_amounts, start=1)),
            "revisions": obj.revisions.select_related("changed_by")[:50],
            "line": line
            if line and BudgetLine.objects.restrict(user, VIEW).filter(pk=line.pk).exists()
            else None,
            "can_submit": obj.status == BudgetStatus.DRAFT and obj.approval_can_submit(user),
            "can_activate": obj.status == BudgetStatus.APPROVED and can_change,
        }


class BudgetForm(StyledModelForm):
    month_values = forms.CharField(
        label=gettext_lazy("monthly values"),
        required=False,
        help_text=gettext_lazy(
            "For percentages or amounts: 12 numbers, January to December, separated by commas or spaces."
        ),
    )

    class Meta:
        model = Budget
        fields = ("fiscal_year", "department", "category", "amount", "distribution", "month_values", "note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and isinstance(self.instance.month_values, list) and not self.is_bound:
            self.initial["month_values"] = ", ".join(str(v) for v in self.instance.month_values)

    def clean_month_values(self):
        text = self.cleaned_data.get("month_values") or ""
        parts = [part for part in text.replace("，", ",").replace(",", " ").split() if part]
        if self.cleaned_data.get("distribution", Distribution.EVEN) == Distribution.EVEN:
            return []
        return parts


class BudgetEditView(ObjectEditView):
    model = Budget
    form_class = BudgetForm

    def save(self, form):
        return services.budget_save(actor=self.request.user, budget=form.instance)


class BudgetDeleteView(ObjectDeleteView):
    model = Budget

    def delete(self, obj):
        if obj.status != BudgetStatus.DRAFT:
            raise ValidationError(_("Only a draft budget can be deleted."))
        obj.delete()


class _ActionView(ObjectPermissionRequiredMixin, View):
    """POST-only action on one object through a service (which checks the finer rules); errors
    come back as messages on the object's page."""

    model = None
    permission_action = VIEW

    def run(self, obj):  # pragma: no cover - overridden
        raise NotImplementedError

    def post(self, request, pk):
        obj = get_object_or_404(self.model.objects.restrict(request.user, VIEW), pk=pk)
        try:
            with transaction.atomic():
                message = self.run(obj)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You do not have permission to do this."))
        else:
            if message:
                messages.success(request, message)
        return HttpResponseRedirect(obj.get_absolute_url())


class BudgetSubmitView(_ActionView):
    model = Budget

    def run(self, obj):
        services.budget_submit(actor=self.request.user, budget=obj)
        return _("Submitted for approval.")


class BudgetActivateView(_ActionView):
    model = Budget

    def run(self, obj):
        services.budget_activate(actor=self.request.user, budget=obj)
        return _("The budget is active: spending is now checked against it.")


# --- the ledger -------------------------------------------------------------------------------------
class BudgetLineListView(ObjectListView):
    model = BudgetLine
    filterset_class = filtersets.BudgetLineFilterSet
    default_ordering = ("-fiscal_year__year", "department__sort_order", "category__sort_order")
    allow_bulk_delete = False
    columns = [
        Column("id", label=gettext_lazy("Budget line"), render=link, order_by="id"),
        money_column("budget"),
        money_column("committed"),
        money_column("actual"),
        Column(
            "remaining", label=gettext_lazy("remaining"), render=lambda line: format_money(line.remaining)
        ),
        Column("execution_rate", label=gettext_lazy("execution rate (%)")),
    ]

    def base_queryset(self):
        return BudgetLine.objects.select_related("fiscal_year", "department", "category")


class BudgetLineDetailView(ObjectDetailView):
    model = BudgetLine
    template_name = "finance/budgetline_detail.html"
    detail_fields = [
        "fiscal_year",
        "department",
        "category",
        Column("budget", render=lambda line: format_money(line.budget)),
        Column("committed", render=lambda line: format_money(line.committed)),
        Column("actual", render=lambda line: format_money(line.actual)),
        Column(
            "remaining", label=gettext_lazy("remaining"), render=lambda line: format_money(line.remaining)
        ),
    ]

    def base_queryset(self):
        return BudgetLine.objects.select_related("fiscal_year", "department", "category")

    def extra_context(self, obj):
        months = list(obj.months.all())
        running = Decimal("0")
        rows = []
        for month in months:
            running += month.budget - month.committed - month.actual
            rows.append((month, running))
        commitments = Commitment.objects.restrict(self.request.user, VIEW).filter(line=obj)
        return {"month_rows": rows, "commitments": commitments.select_related("content_type")[:30]}


class CommitmentListView(ObjectListView):
    model = Commitment
    filterset_class = filtersets.CommitmentFilterSet
    default_ordering = ("-id",)
    allow_bulk_delete = False
    columns = [
        Column("id", label=gettext_lazy("Commitment"), render=link, order_by="id"),
        Column("line", order_by="line__id"),
        Column("on", order_by="on"),
        status_column(),
        money_column("amount"),
        money_column("actual_amount"),
        Column("description"),
    ]

    def base_queryset(self):
        return Commitment.objects.select_related(
            "content_type", "line__fiscal_year", "line__department", "line__category"
        )


class CommitmentDetailView(ObjectDetailView):
    model = Commitment
    detail_fields = [
        "line",
        "month",
        "on",
        Column("document", render=lambda c: _document_link(c)),
        "line_key",
        "project",
        "description",
        Column("status", accessor="get_status_display"),
        Column("amount", render=lambda c: format_money(c.amount)),
        Column("actual_amount", render=lambda c: format_money(c.actual_amount)),
        "warning",
        "override_reason",
        "overridden_by",
        "committed_by",
        "updated",
    ]

    def base_queryset(self):
        return Commitment.objects.select_related(
            "content_type", "line__fiscal_year", "line__department", "line__category", "project"
        )


def _document_link(commitment):
    from django.utils.html import format_html

    document = commitment.document
    if document is None:
        return "—"
    try:
        return format_html('<a href="{}">{}</a>', document.get_absolute_url(), document)
    except Exception:
        return str(document)


# --- adjustments ------------------------------------------------------------------------------------
class BudgetAdjustmentListView(ObjectListView):
    model = BudgetAdjustment
    filterset_class = filtersets.BudgetAdjustmentFilterSet
    default_ordering = ("-id",)
    columns = [
        Column("id", label=gettext_lazy("Adjustment"), render=link, order_by="id"),
        Column("source", order_by="source__id"),
        Column("target", order_by="target__id"),
        Column("month", order_by="month"),
        money_column("amount"),
        status_column(),
        Column("applicant", order_by="applicant__full_name"),
    ]

    def base_queryset(self):
        related = ("fiscal_year", "department", "category")
        return BudgetAdjustment.objects.select_related(
            "applicant", *(f"source__{r}" for r in related), *(f"target__{r}" for r in related)
        )


class BudgetAdjustmentDetailView(ObjectDetailView):
    model = BudgetAdjustment
    template_name = "finance/budgetadjustment_detail.html"
    detail_fields = [
        Column("kind", accessor="get_kind_display"),
        "source",
        "target",
        "month",
        Column("amount", render=lambda a: format_money(a.amount)),
        "reason",
        Column("status", accessor="get_status_display"),
        "applicant",
        "applied_at",
    ]

    def base_queryset(self):
        related = ("fiscal_year", "department", "category")
        return BudgetAdjustment.objects.select_related(
            "applicant", *(f"source__{r}" for r in related), *(f"target__{r}" for r in related)
        )

    def extra_context(self, obj):
        return {
            "can_submit": obj.status == AdjustmentStatus.DRAFT and obj.applicant_id == self.request.user.pk
        }


class BudgetAdjustmentForm(StyledModelForm):
    class Meta:
        model = BudgetAdjustment
        fields = ("kind", "source", "target", "month", "amount", "reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lines = BudgetLine.objects.select_related("fiscal_year", "department", "category")
        self.fields["source"].queryset = lines
        self.fields["target"].queryset = lines


class BudgetAdjustmentEditView(ObjectEditView):
    model = BudgetAdjustment
    form_class = BudgetAdjustmentForm

    def get_form(self, obj, data=None, files=None):
        if obj.pk is None and obj.applicant_id is None:
            obj.applicant = self.request.user
        return super().get_form(obj, data, files)

    def save(self, form):
        return services.adjustment_save(actor=self.request.user, adjustment=form.instance)


class BudgetAdjustmentDeleteView(ObjectDeleteView):
    model = BudgetAdjustment

    def delete(self, obj):
        if obj.status != AdjustmentStatus.DRAFT:
            raise ValidationError(_("Only a draft adjustment can be deleted; the others are history."))
        obj.delete()


class BudgetAdjustmentSubmitView(_ActionView):
    model = BudgetAdjustment

    def run(self, obj):
        services.adjustment_submit(actor=self.request.user, adjustment=obj)
        return _("Submitted for approval; the budget changes once it is approved.")


# --- actual entries ---------------------------------------------------------------------------------
class ActualEntryListView(ObjectListView):
    model = ActualEntry
    filterset_class = filtersets.ActualEntryFilterSet
    default_ordering = ("-date", "-id")
    allow_bulk_delete = False
    columns = [
        Column("description", order_by="description", linkify=True),
        Column("date", order_by="date"),
        Column("department", order_by="department__name"),
        Column("category", order_by="category__sort_order"),
        money_column("amount"),
        Column("reference"),
    ]

    def base_queryset(self):
        return ActualEntry.objects.select_related("department", "category")


class ActualEntryDetailView(ObjectDetailView):
    model = ActualEntry
    detail_fields = [
        "description",
        "date",
        "department",
        "category",
        "project",
        Column("amount", render=lambda e: format_money(e.amount)),
        "reference",
        "created",
    ]

    def base_queryset(self):
        return ActualEntry.objects.select_related("department", "category", "project")


class ActualEntryForm(StyledModelForm):
    class Meta:
        model = ActualEntry
        fields = ("department", "category", "project", "date", "amount", "description", "reference")
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}


class ActualEntryEditView(ObjectEditView):
    model = ActualEntry
    form_class = ActualEntryForm

    def save(self, form):
        return services.actual_entry_save(actor=self.request.user, entry=form.instance)
