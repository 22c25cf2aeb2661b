from django.urls import path

from whitewall.core.urls_helpers import crud_paths
from whitewall.finance import views
from whitewall.finance.urls_costs import urlpatterns as urls_costs

app_name = "finance"

urlpatterns = [
    *crud_paths(
        "fiscal-years",
        "fiscalyear",
        list=views.FiscalYearListView,
        detail=views.FiscalYearDetailView,
        add=views.FiscalYearEditView,
        edit=views.FiscalYearEditView,
        delete=views.FiscalYearDeleteView,
    ),
    *crud_paths(
        "categories",
        "budgetcategory",
        list=views.BudgetCategoryListView,
        detail=views.BudgetCategoryDetailView,
        add=views.BudgetCategoryEditView,
        edit=views.BudgetCategoryEditView,
        delete=views.BudgetCategoryDeleteView,
    ),
    *crud_paths(
        "budgets",
        "budget",
        list=views.BudgetListView,
        detail=views.BudgetDetailView,
        add=views.BudgetEditView,
        edit=views.BudgetEditView,
        delete=views.BudgetDeleteView,
    ),
    path("budgets/<int:pk>/submit/", views.BudgetSubmitView.as_view(), name="budget_submit"),
    path("budgets/<int:pk>/activate/", views.BudgetActivateView.as_view(), name="budget_activate"),
    *crud_paths("lines", "budgetline", list=views.BudgetLineListView, detail=views.BudgetLineDetailView),
    *crud_paths(
        "commitments", "commitment", list=views.CommitmentListView, detail=views.CommitmentDetailView
    ),
    *crud_paths(
        "adjustments",
        "budgetadjustment",
        list=views.BudgetAdjustmentListView,
        detail=views.BudgetAdjustmentDetailView,
        add=views.BudgetAdjustmentEditView,
        edit=views.BudgetAdjustmentEditView,
        delete=views.BudgetAdjustmentDeleteView,
    ),
    path(
        "adjustments/<int:pk>/submit/",
        views.BudgetAdjustmentSubmitView.as_view(),
        name="budgetadjustment_submit",
    ),
    *crud_paths(
        "claims",
        "claim",
        list=views.ClaimListView,
        detail=views.ClaimDetailView,
        add=views.ClaimEditView,
        edit=views.ClaimEditView,
        delete=views.ClaimDeleteView,
    ),
    path("claims/<int:pk>/lines/add/", views.ClaimLineEditView.as_view(), name="claim_line_add"),
    path("claims/lines/<int:pk>/edit/", views.ClaimLineEditView.as_view(), name="claimline_edit"),
    path("claims/lines/<int:pk>/delete/", views.ClaimLineDeleteView.as_view(), name="claimline_delete"),
    path("claims/<int:pk>/budget-check/", views.ClaimBudgetCheckView.as_view(), name="claim_budget_check"),
    path("claims/<int:pk>/submit/", views.ClaimSubmitView.as_view(), name="claim_submit"),
    path("claims/<int:pk>/withdraw/", views.ClaimWithdrawView.as_view(), name="claim_withdraw"),
    path("claims/<int:pk>/audit/", views.ClaimAuditView.as_view(), name="claim_audit"),
    path("claims/<int:pk>/print/", views.ClaimPrintView.as_view(), name="claim_print"),
    path("claims/pay/", views.ClaimPayView.as_view(), name="claim_pay"),
    path("receipts/<int:pk>/", views.ReceiptDownloadView.as_view(), name="receipt_download"),
    *crud_paths(
        "actuals",
        "actualentry",
        list=views.ActualEntryListView,
        detail=views.ActualEntryDetailView,
        add=views.ActualEntryEditView,
    ),
    *urls_costs,
]
