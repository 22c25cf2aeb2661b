"""URLs of purchases, cost analysis, cost reports, saving measures and the actual-entry import."""

from django.urls import path

from whitewall.core.urls_helpers import crud_paths
from whitewall.finance import views

urlpatterns = [
    path("purchases/check/", views.PurchaseCheckView.as_view(), name="purchaserequest_check"),
    *crud_paths(
        "purchases",
        "purchaserequest",
        list=views.PurchaseRequestListView,
        detail=views.PurchaseRequestDetailView,
        add=views.PurchaseRequestEditView,
        edit=views.PurchaseRequestEditView,
        delete=views.PurchaseRequestDeleteView,
    ),
    path("purchases/<int:pk>/submit/", views.PurchaseSubmitView.as_view(), name="purchaserequest_submit"),
    path("purchases/<int:pk>/order/", views.PurchaseOrderView.as_view(), name="purchaserequest_order"),
    path("purchases/<int:pk>/receive/", views.PurchaseReceiveView.as_view(), name="purchaserequest_receive"),
    path("purchases/<int:pk>/cancel/", views.PurchaseCancelView.as_view(), name="purchaserequest_cancel"),
    path("analysis/", views.CostAnalysisView.as_view(), name="analysis"),
    *crud_paths(
        "cost-reports",
        "costreport",
        list=views.CostReportListView,
        detail=views.CostReportDetailView,
        add=views.CostReportEditView,
        edit=views.CostReportEditView,
        delete=views.CostReportDeleteView,
    ),
    path("cost-reports/<int:pk>/print/", views.CostReportPrintView.as_view(), name="costreport_print"),
    path("cost-reports/<int:pk>/publish/", views.CostReportPublishView.as_view(), name="costreport_publish"),
    path("cost-reports/<int:pk>/refresh/", views.CostReportRefreshView.as_view(), name="costreport_refresh"),
    *crud_paths(
        "saving-measures",
        "savingmeasure",
        list=views.SavingMeasureListView,
        detail=views.SavingMeasureDetailView,
        add=views.SavingMeasureEditView,
        edit=views.SavingMeasureEditView,
        delete=views.SavingMeasureDeleteView,
    ),
    path("actuals/import/", views.ActualEntryImportView.as_view(), name="actualentry_import"),
]
