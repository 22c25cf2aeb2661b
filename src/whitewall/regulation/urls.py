from django.urls import path

from whitewall.core.urls_helpers import crud_paths
from whitewall.regulation import views

app_name = "regulation"

urlpatterns = [
    path("", views.BoardView.as_view(), name="board"),
    path("report/", views.ReportView.as_view(), name="report"),
    path("clauses/<str:code>/", views.ClauseDetailView.as_view(), name="clause_detail"),
    path("checks/run/", views.RunChecksView.as_view(), name="checkrun_run"),
    *crud_paths(
        "versions",
        "regulationversion",
        list=views.RegulationVersionListView,
        detail=views.RegulationVersionDetailView,
        add=views.RegulationVersionEditView,
        edit=views.RegulationVersionEditView,
        delete=views.RegulationVersionDeleteView,
    ),
    path(
        "versions/<int:pk>/publish/",
        views.RegulationVersionPublishView.as_view(),
        name="regulationversion_publish",
    ),
    path("acknowledgement/", views.AcknowledgementMineView.as_view(), name="acknowledgement_mine"),
]
