"""The cost analysis dashboard (5.3.1): budget vs committed vs actual, with its Excel export."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from whitewall.accounts.models import Department
from whitewall.core.export import _safe
from whitewall.core.permissions import VIEW
from whitewall.core.signals import exported
from whitewall.core.views.generic import ObjectPermissionRequiredMixin
from whitewall.finance import analysis
from whitewall.finance.models import BudgetCategory, BudgetLine, FiscalYear

__all__ = ["CostAnalysisView"]


def _labels() -> dict:
    return {
        "budget": _("Budget"),
        "committed": _("Committed"),
        "actual": _("Actual"),
        "cumulative_budget": _("Cumulative budget"),
        "cumulative_actual": _("Cumulative actual"),
        "trend": _("Monthly trend"),
        "departments": _("By department"),
        "categories": _("Actual by category"),
        "empty": _("No figures for these filters."),
    }


class CostAnalysisView(ObjectPermissionRequiredMixin, View):
    """Read from the ledger's running totals only; the figures cover the lines the user may see."""

    model = BudgetLine
    permission_action = VIEW

    def get(self, request):
        filters = analysis.filters_from(request.GET)
        figures = analysis.cost_analysis(request.user, filters)
        if request.GET.get("export") == "xlsx":
            exported.send(
                sender=BudgetLine,
                user=request.user,
                request=request,
                format="xlsx",
                count=len(figures["departments"]) + len(figures["categories"]),
                filters=request.GET.urlencode(),
            )
            return self.export(figures, filters)
        visible_departments = BudgetLine.objects.restrict(request.user, VIEW).values("department")
        context = {
            "filters": filters,
            "figures": figures,
            "chart": analysis.chart_data(figures, _labels()),
            "fiscal_years": FiscalYear.objects.all(),
            "departments": Department.objects.filter(pk__in=visible_departments).order_by(
                "sort_order", "name"
            ),
            "categories": BudgetCategory.objects.all(),
            "months": range(1, 13),
            "export_query": "?"
            + "&".join(
                f"{key}={value}"
                for key, value in {**filters.as_params(), "upto": filters.upto, "export": "xlsx"}.items()
            ),
        }
        return render(request, "finance/analysis/dashboard.html", context)

    def export(self, figures: dict, filters) -> HttpResponse:
        from openpyxl import Workbook

        workbook = Workbook()
        workbook.remove(workbook.active)
        heads = [
            _("Budget"),
            _("Committed"),
            _("Actual"),
            _("Remaining"),
            _("Execution rate (%)"),
            _("Budget to date"),
            _("Actual to date"),
            _("Variance to date"),
        ]

        def numbers(row):
            return [
                row["budget"],
                row["committed"],
                row["actual"],
                row["remaining"],
                row["execution_rate"],
                row["budget_to_date"],
                row["actual_to_date"],
                row["variance"],
            ]

        def sheet(title, header, rows):
            ws = workbook.create_sheet(title=str(title)[:31])
            ws.append([str(h) for h in header])
            for row in rows:
                ws.append([_safe(v) for v in row])
            for column in ws.columns:
                ws.column_dimensions[column[0].column_letter].width = 16
            return ws

        sheet(
            _("Departments"),
            [_("Department"), *heads],
            [[row["name"], *numbers(row)] for row in figures["departments"]]
            + [[_("Total"), *numbers(figures["totals"])]],
        )
        sheet(
            _("Categories"),
            [_("Category"), *heads],
            [[row["name"], *numbers(row)] for row in figures["categories"]],
        )
        sheet(
            _("Months"),
            [
                _("Month"),
                _("Budget"),
                _("Committed"),
                _("Actual"),
                _("Cumulative budget"),
                _("Cumulative actual"),
            ],
            [
                [
                    r["label"],
                    r["budget"],
                    r["committed"],
                    r["actual"],
                    r["cumulative_budget"],
                    r["cumulative_actual"],
                ]
                for r in figures["trend"]
            ],
        )
        sheet(
            _("Projects"),
            [_("Project"), _("Committed"), _("Actual")],
            [[r["name"], r["committed"], r["actual"]] for r in figures["projects"]],
        )
        sheet(
            _("Cost drivers"),
            [
                _("Department"),
                _("Category"),
                _("Actual"),
                _("Share of actual (%)"),
                _("Budget"),
                _("Variance to date"),
            ],
            [
                [r["department"], r["category"], r["actual"], r["share"], r["budget"], r["variance"]]
                for r in figures["top_spenders"]
            ],
        )
        buffer = io.BytesIO()
        workbook.save(buffer)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="cost-analysis-{figures["fiscal_year"]}-{stamp}.xlsx"'
        )
        return response
