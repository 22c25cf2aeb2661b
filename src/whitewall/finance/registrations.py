"""What finance contributes to the platform registries: grants, menu, search, API, demo data."""

from django.utils.translation import gettext_lazy

from whitewall.accounts.registrations import EVERY_STAFF_ROLE
from whitewall.accounts.roles import ALL, READ, register_grants
from whitewall.core.dashboard import register_widget
from whitewall.core.demo import register_seeder
from whitewall.core.navigation import MenuItem, register_menu
from whitewall.core.search import register_search

# Finance officers manage; department heads read their own department; executives and auditors read.
LEDGER_READERS = {"finance_officer": ALL, "executive": READ, "auditor": READ}


def register() -> None:
    from whitewall.finance.models import Budget, BudgetCategory, Claim

    for model in ("finance.fiscalyear", "finance.budgetcategory"):
        register_grants(model, {**LEDGER_READERS, "department_head": READ})
    register_grants(
        "finance.budget",
        {**LEDGER_READERS, "department_head": READ},
        constraints={"department_head": {"department": "$department"}},
    )
    register_grants(
        "finance.budgetline",
        {"finance_officer": READ, "executive": READ, "auditor": READ, "department_head": READ},
        constraints={"department_head": {"department": "$department"}},
    )
    register_grants(
        "finance.commitment",
        {"finance_officer": READ, "executive": READ, "auditor": READ, "department_head": READ},
        constraints={"department_head": {"line__department": "$department"}},
    )
    # Department heads request adjustments of their own department's lines (draft, then approval).
    register_grants(
        "finance.budgetadjustment",
        {**LEDGER_READERS, "department_head": ALL},
        constraints={
            "department_head": [{"source__department": "$department"}, {"target__department": "$department"}]
        },
    )
    register_grants(
        "finance.actualentry",
        {
            "finance_officer": ("view", "add", "change"),
            "executive": READ,
            "auditor": READ,
            "department_head": READ,
        },
        constraints={"department_head": {"department": "$department"}},
    )

    # Claims: every staff member files and follows their own; department heads read their
    # department's; finance officers audit, pay and may file in another person's name.
    own = [{"applicant": "$user"}, {"created_by": "$user"}]
    staff = dict.fromkeys(EVERY_STAFF_ROLE, ("view", "add", "change", "delete"))
    register_grants(
        "finance.claim",
        {**staff, "department_head": ("view", "add", "change", "delete")},
        constraints=dict.fromkeys([*EVERY_STAFF_ROLE, "department_head"], own),
    )
    register_grants(
        "finance.claim",
        {
            "finance_officer": ("view", "audit", "pay", "file_for_others"),
            "executive": READ,
            "auditor": READ,
            "department_head": READ,
        },
        constraints={"department_head": {"department": "$department"}},
    )

    register_menu(
        "finance",
        gettext_lazy("Finance"),
        "cash-coin",
        weight=50,
        items=[
            MenuItem(
                gettext_lazy("Reimbursement claims"),
                "finance:claim_list",
                "finance.view_claim",
                "receipt-cutoff",
            ),
            MenuItem(gettext_lazy("Pay claims"), "finance:claim_pay", "finance.pay_claim", "cash-stack"),
            MenuItem(gettext_lazy("Budgets"), "finance:budget_list", "finance.view_budget", "journal-text"),
            MenuItem(
                gettext_lazy("Budget lines"),
                "finance:budgetline_list",
                "finance.view_budgetline",
                "bar-chart",
            ),
            MenuItem(
                gettext_lazy("Budget adjustments"),
                "finance:budgetadjustment_list",
                "finance.view_budgetadjustment",
                "arrow-left-right",
            ),
            MenuItem(
                gettext_lazy("Commitments"), "finance:commitment_list", "finance.view_commitment", "lock"
            ),
            MenuItem(
                gettext_lazy("Actual entries"),
                "finance:actualentry_list",
                "finance.view_actualentry",
                "receipt",
            ),
            MenuItem(
                gettext_lazy("Budget categories"),
                "finance:budgetcategory_list",
                "finance.view_budgetcategory",
                "tags",
            ),
            MenuItem(
                gettext_lazy("Fiscal years"),
                "finance:fiscalyear_list",
                "finance.view_fiscalyear",
                "calendar3",
            ),
        ],
    )
    register_search(BudgetCategory, ("name", "code"), gettext_lazy("Budget categories"))
    register_search(Claim, ("number", "purpose"), gettext_lazy("Reimbursement claims"))
    register_widget("finance", finance_card, weight=50)
    register_search(Budget, ("department__name", "category__name"), gettext_lazy("Budgets"))

    from whitewall.core.api.registry import register_api
    from whitewall.finance import api

    register_api("finance/budgets", api.BudgetViewSet)
    register_api("finance/lines", api.BudgetLineViewSet)
    register_api("finance/adjustments", api.BudgetAdjustmentViewSet)
    register_api("finance/claims", api.ClaimViewSet)

    from whitewall.finance.demo import seed_finance

    register_seeder("finance", seed_finance, weight=30)

    from whitewall.finance import registrations_costs

    registrations_costs.register()


def finance_card(request):
    """Claims in flight (one's own, and those waiting for the finance audit or payment) and the
    budget lines of the current year that are over budget."""
    from django.db.models import F
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from whitewall.core.permissions import has_model_permission
    from whitewall.finance.models import BudgetLine, Claim, ClaimStatus

    user = request.user
    claims = Claim.objects.restrict(user, "view")
    lines = BudgetLine.objects.restrict(user, "view").filter(fiscal_year__year=timezone.localdate().year)
    if not claims.exists() and not lines.exists():
        return None
    url = reverse("finance:claim_list")
    in_flight = [
        ClaimStatus.SUBMITTED,
        ClaimStatus.IN_APPROVAL,
        ClaimStatus.FINANCE_AUDIT,
        ClaimStatus.APPROVED,
    ]
    figures = [
        (
            _("My claims in progress"),
            claims.filter(applicant=user, status__in=in_flight).count(),
            url + "?mine=true",
        )
    ]
    if has_model_permission(user, Claim, "audit"):
        figures.append(
            (
                _("Waiting for the finance audit"),
                claims.filter(status=ClaimStatus.FINANCE_AUDIT).count(),
                url + "?status=finance_audit",
            )
        )
    if has_model_permission(user, Claim, "pay"):
        figures.append(
            (
                _("Waiting for payment"),
                claims.filter(status=ClaimStatus.APPROVED).count(),
                reverse("finance:claim_pay"),
            )
        )
    over = 0
    if lines.exists():
        over = lines.filter(budget__lt=F("committed") + F("actual")).count()
        figures.append((_("Budget lines over budget"), over, reverse("finance:budgetline_list")))
    return {"title": _("Finance"), "icon": "cash-coin", "figures": figures, "warning": over > 0}
