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
        "actuals",
        "actualentry",
        list=views.ActualEntryListView,
        detail=views.ActualEntryDetailView,
        add=views.ActualEntryEditView,
    ),
    *urls_costs,
]
