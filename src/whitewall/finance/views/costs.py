"""Console pages for monthly cost reports, saving measures and the Excel import of actual entries."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from whitewall.core.forms import StyledModelForm
from whitewall.core.money import format_money
from whitewall.core.permissions import ADD, CHANGE, VIEW
from whitewall.core.tables import Column
from whitewall.core.views import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView
from whitewall.core.views.generic import ObjectPermissionRequiredMixin
from whitewall.finance import analysis, filtersets_costs, services
from whitewall.finance.models import (
    ActualEntry,
    CostReport,
    CostReportStatus,
    SavingMeasure,
)
from whitewall.finance.views.budgets import _ActionView, link, money_column, status_column

__all__ = [
    "ActualEntryImportView",
    "CostReportDeleteView",
    "CostReportDetailView",
    "CostReportEditView",
    "CostReportListView",
    "CostReportPrintView",
    "CostReportPublishView",
    "CostReportRefreshView",
    "SavingMeasureDeleteView",
    "SavingMeasureDetailView",
    "SavingMeasureEditView",
    "SavingMeasureListView",
]


# --- monthly cost reports -------------------------------------------------------------------------
def _snapshot_money(key):
    return lambda report: format_money((report.snapshot or {}).get(key))


class CostReportListView(ObjectListView):
    model = CostReport
    filterset_class = filtersets_costs.CostReportFilterSet
    default_ordering = ("-month",)
    allow_bulk_delete = False
    columns = [
        Column("month", render=link, order_by="month"),
        status_column(),
        Column(
            "month_actual", label=gettext_lazy("actual in the month"), render=_snapshot_money("month_actual")
        ),
        Column(
            "month_budget", label=gettext_lazy("budget of the month"), render=_snapshot_money("month_budget")
        ),
        Column("prepared_by", order_by="prepared_by__full_name"),
        Column("published_at", order_by="published_at"),
    ]

    def base_queryset(self):
        return CostReport.objects.select_related("prepared_by")


class CostReportDetailView(ObjectDetailView):
    model = CostReport
    template_name = "finance/costs/costreport_detail.html"
    detail_fields = [
        "month",
        Column("status", accessor="get_status_display"),
        "summary",
        "findings",
        "actions",
        "prepared_by",
        "generated_at",
        "published_at",
        "published_by",
    ]

    def base_queryset(self):
        return CostReport.objects.select_related("prepared_by", "published_by")

    def extra_context(self, obj):
        can_change = CostReport.objects.restrict(self.request.user, CHANGE).filter(pk=obj.pk).exists()
        draft = obj.status == CostReportStatus.DRAFT
        return {
            "s": obj.snapshot or {},
            "can_publish": draft and can_change,
            "can_refresh": draft and can_change,
        } | ({} if draft else {"edit_url": None, "delete_url": None})


class CostReportPrintView(ObjectPermissionRequiredMixin, View):
    """The printable report (A4, no console chrome)."""

    model = CostReport
    permission_action = VIEW

    def get(self, request, pk):
        report = get_object_or_404(CostReport.objects.restrict(request.user, VIEW), pk=pk)
        return render(
            request, "finance/costs/costreport_print.html", {"object": report, "s": report.snapshot or {}}
        )


class CostReportForm(StyledModelForm):
    class Meta:
        model = CostReport
        fields = ("month", "summary", "findings", "actions")
        widgets = {
            "month": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "findings": forms.Textarea(attrs={"rows": 6}),
            "actions": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["month"].disabled = True
        else:
            self.fields["month"].help_text = _("The first day of the month the report covers.")


class CostReportEditView(ObjectEditView):
    model = CostReport
    form_class = CostReportForm

    def get_object(self):
        obj = super().get_object()
        if obj.pk and obj.status != CostReportStatus.DRAFT:
            raise Http404(_("A published report cannot be changed."))
        return obj

    def save(self, form):
        return services.cost_report_save(actor=self.request.user, report=form.instance)


class CostReportDeleteView(ObjectDeleteView):
    model = CostReport

    def delete(self, obj):
        if obj.status != CostReportStatus.DRAFT:
            raise ValidationError(_("A published report cannot be deleted."))
        obj.delete()


class CostReportPublishView(_ActionView):
    model = CostReport

    def run(self, obj):
        services.cost_report_publish(actor=self.request.user, report=obj)
        return _("Published: executives and department heads are told.")


class CostReportRefreshView(_ActionView):
    model = CostReport

    def run(self, obj):
        services.cost_report_refresh(actor=self.request.user, report=obj)
        return _("The figures are taken again.")


# --- saving measures ------------------------------------------------------------------------------
class _Effects:
    """Measured effects of every measure the user may see, computed once per request."""

    def __init__(self, view):
        self.view = view
        self.cache = None

    def __call__(self, measure):
        if self.cache is None:
            self.cache = analysis.measure_effects(
                SavingMeasure.objects.restrict(self.view.request.user, VIEW)
            )
        return self.cache.get(measure.pk) or {}


class SavingMeasureListView(ObjectListView):
    model = SavingMeasure
    filterset_class = filtersets_costs.SavingMeasureFilterSet
    default_ordering = ("-start_date", "-id")

    @property
    def columns(self):
        effects = getattr(self, "_effects", None)
        if effects is None:
            effects = self._effects = _Effects(self)
        state_labels = {
            "met": _("Target met"),
            "missed": _("Target missed"),
            "pending": _("Not measurable yet"),
        }

        def state(measure):
            value = effects(measure).get("state")
            css = {"met": "success", "missed": "warning", "pending": "secondary"}.get(value, "secondary")
            return format_html('<span class="badge text-bg-{}">{}</span>', css, state_labels.get(value, "—"))

        return [
            Column("title", order_by="title", linkify=True),
            Column("department", order_by="department__name"),
            Column("category", order_by="category__sort_order"),
            Column("owner", order_by="owner__full_name"),
            money_column("target_saving"),
            Column(
                "measured",
                label=gettext_lazy("measured saving per month"),
                render=lambda m: format_money(effects(m).get("effect")),
            ),
            Column("effect_state", label=gettext_lazy("effect"), render=state),
            status_column(),
            Column("start_date", order_by="start_date"),
            Column("end_date", order_by="end_date"),
        ]

    def base_queryset(self):
        return SavingMeasure.objects.select_related("department", "category", "owner")


class SavingMeasureDetailView(ObjectDetailView):
    model = SavingMeasure
    template_name = "finance/costs/savingmeasure_detail.html"
    detail_fields = [
        "title",
        "description",
        "owner",
        "department",
        "category",
        Column("baseline", render=lambda m: format_money(m.baseline)),
        Column("target_saving", render=lambda m: format_money(m.target_saving)),
        "start_date",
        "end_date",
        Column("status", accessor="get_status_display"),
    ]

    def base_queryset(self):
        return SavingMeasure.objects.select_related("department", "category", "owner")

    def extra_context(self, obj):
        from whitewall.config.policy import get_policy

        return {
            "effect": analysis.measure_effects([obj]).get(obj.pk),
            "baseline_months": get_policy().costs.saving_baseline_months,
        }


class SavingMeasureForm(StyledModelForm):
    class Meta:
        model = SavingMeasure
        fields = (
            "title",
            "description",
            "owner",
            "department",
            "category",
            "baseline",
            "target_saving",
            "start_date",
            "end_date",
            "status",
        )
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from whitewall.accounts.models import User

        self.fields["owner"].queryset = User.objects.filter(is_staff=True, is_active=True).order_by(
            "full_name"
        )


class SavingMeasureEditView(ObjectEditView):
    model = SavingMeasure
    form_class = SavingMeasureForm

    def save(self, form):
        return services.saving_measure_save(actor=self.request.user, measure=form.instance)


class SavingMeasureDeleteView(ObjectDeleteView):
    model = SavingMeasure


# --- import of actual entries ---------------------------------------------------------------------
class ActualImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        help_text=gettext_lazy(
            "First row: department, category, date, amount, reference, description (codes or names)."
        ),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
    )


class ActualEntryImportView(ObjectPermissionRequiredMixin, View):
    model = ActualEntry
    permission_action = ADD

    def get(self, request):
        return render(request, "finance/costs/actual_import.html", {"form": ActualImportForm()})

    def post(self, request):
        form = ActualImportForm(request.POST, request.FILES)
        context = {"form": form}
        if not form.is_valid():
            return render(request, "finance/costs/actual_import.html", context, status=422)
        upload = form.cleaned_data["file"]
        try:
            result = services.actual_entries_import(
                actor=request.user, data=upload.read(), name=upload.name or ""
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error("file" if field not in form.fields else field, errors)
            return render(request, "finance/costs/actual_import.html", context, status=422)
        except PermissionDenied:
            raise
        context["result"] = result
        return render(request, "finance/costs/actual_import.html", context, status=200 if result.ok else 422)
