"""What purchases, cost analysis, cost reports and saving measures add to the platform registries."""

from django.db import models
from django.utils.translation import gettext_lazy

from whitewall.accounts.roles import ALL, READ, register_grants
from whitewall.core.api.registry import register_api
from whitewall.core.demo import register_seeder
from whitewall.core.navigation import MenuItem, register_menu
from whitewall.core.search import register_search

# Every staff role may request purchases for their own department (and manage their own requests).
STAFF_ROLES = (
    "system_admin",
    "operations_manager",
    "operator",
    "content_reviewer",
    "tech_support",
    "marketing",
    "hr_officer",
    "security_officer",
    "department_head",
    "executive",
)


def register() -> None:
    from whitewall.finance import api_costs, checks_costs, tasks_costs  # noqa: F401  (they register themselves)
    from whitewall.finance.models import PurchaseRequest, SavingMeasure

    register_grants(
        "finance.purchaserequest",
        dict.fromkeys(STAFF_ROLES, ALL),
        constraints={role: {"requester": "$user", "department": "$department"} for role in STAFF_ROLES},
    )
    register_grants(
        "finance.purchaserequest",
        {"finance_officer": (*ALL, "manage"), "executive": READ, "auditor": READ, "department_head": READ},
        constraints={"department_head": {"department": "$department"}},
    )
    register_grants(
        "finance.costreport",
        {"finance_officer": ALL, "executive": READ, "auditor": READ, "department_head": READ},
        constraints={"department_head": {"status": "published"}},
    )
    register_grants(
        "finance.savingmeasure",
        {"finance_officer": ALL, "executive": READ, "auditor": READ, "department_head": READ},
        constraints={"department_head": {"department": "$department"}},
    )

    register_menu(
        "finance",
        gettext_lazy("Finance"),
        "cash-coin",
        weight=50,
        items=[
            MenuItem(
                gettext_lazy("Purchase requests"),
                "finance:purchaserequest_list",
                "finance.view_purchaserequest",
                "cart",
            ),
            MenuItem(
                gettext_lazy("Cost analysis"), "finance:analysis", "finance.view_budgetline", "graph-up"
            ),
            MenuItem(
                gettext_lazy("Cost reports"),
                "finance:costreport_list",
                "finance.view_costreport",
                "file-earmark-bar-graph",
            ),
            MenuItem(
                gettext_lazy("Import actual entries"),
                "finance:actualentry_import",
                "finance.add_actualentry",
                "upload",
            ),
            MenuItem(
                gettext_lazy("Saving measures"),
                "finance:savingmeasure_list",
                "finance.view_savingmeasure",
                "piggy-bank",
            ),
        ],
    )
    register_search(
        PurchaseRequest, ("title", "supplier", "order_reference"), gettext_lazy("Purchase requests")
    )
    register_search(SavingMeasure, ("title",), gettext_lazy("Saving measures"))

    from whitewall.notifications.registry import register_kind

    register_kind(
        "finance.cost_report_published",
        gettext_lazy("Monthly cost report published"),
        default_channels=("inapp", "email"),
        description=gettext_lazy("The finance officer published last month's cost analysis."),
    )

    register_api("finance/purchases", api_costs.PurchaseRequestViewSet)
    register_api("finance/cost-reports", api_costs.CostReportViewSet)
    register_api("finance/saving-measures", api_costs.SavingMeasureViewSet)
    register_api("finance/analysis", api_costs.CostAnalysisViewSet, basename="finance-analysis")

    from whitewall.core.dashboard import register_widget

    register_widget("finance-costs", costs_card, weight=52)

    from whitewall.finance.demo_costs import seed_costs

    register_seeder("finance-costs", seed_costs, weight=31)


def costs_card(request):
    """5.3 at a glance: this year's execution rate, purchases waiting, last month's report."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from whitewall.core.money import format_money
    from whitewall.core.permissions import has_model_permission
    from whitewall.finance import analysis
    from whitewall.finance.models import BudgetLine, CostReport, PurchaseRequest, PurchaseStatus

    user = request.user
    if not has_model_permission(user, BudgetLine, "view"):
        return None
    filters = analysis.filters_from({})
    totals = analysis.lines_in_scope(user, filters).aggregate(
        budget=models.Sum("budget"), actual=models.Sum("actual")
    )
    rate = analysis.rate(totals["actual"] or 0, totals["budget"] or 0)
    figures = [
        (_("Actual this year"), format_money(totals["actual"] or 0), reverse("finance:analysis")),
        (_("Execution rate"), f"{rate}%" if rate is not None else "—", reverse("finance:analysis")),
    ]
    if has_model_permission(user, PurchaseRequest, "view"):
        waiting = (
            PurchaseRequest.objects.restrict(user, "view").filter(status=PurchaseStatus.SUBMITTED).count()
        )
        figures.append(
            (
                _("Purchases in approval"),
                waiting,
                reverse("finance:purchaserequest_list") + "?status=submitted",
            )
        )
    warning = False
    if has_model_permission(user, CostReport, "view"):
        from django.utils import timezone

        last = analysis.add_months(timezone.localdate().replace(day=1), -1)
        report = CostReport.objects.restrict(user, "view").filter(month=last).first()
        warning = report is None or report.status != "published"
        figures.append(
            (
                _("Last month's cost report"),
                report.get_status_display() if report else _("not created yet"),
                report.get_absolute_url() if report else reverse("finance:costreport_list"),
            )
        )
    return {"title": _("Cost analysis"), "icon": "graph-up", "figures": figures, "warning": warning}
