"""The wall's console pages, mounted at /console/wall/ under the ``wall`` namespace."""

from django.urls import path

from whitewall.core.urls_helpers import crud_paths
from whitewall.wall import views_analytics, views_plan

app_name = "wall"

urlpatterns = [
    # The publishing plan, staff posts and analytics.
    path("plan/", views_plan.PlanCalendarView.as_view(), name="plan"),
    *crud_paths(
        "plan/items",
        "planitem",
        list=views_plan.PlanItemListView,
        detail=views_plan.PlanItemDetailView,
        add=views_plan.PlanItemEditView,
        edit=views_plan.PlanItemEditView,
        delete=views_plan.PlanItemDeleteView,
    ),
    path("plan/items/<int:pk>/move/", views_plan.PlanItemMoveView.as_view(), name="planitem_move"),
    path("plan/posts/<int:pk>/move/", views_plan.PostMoveView.as_view(), name="post_move"),
    *crud_paths(
        "staff-posts",
        "staffpost",
        list=views_plan.StaffPostListView,
        detail=views_plan.StaffPostDetailView,
        add=views_plan.StaffPostEditView,
        edit=views_plan.StaffPostEditView,
        delete=views_plan.StaffPostDeleteView,
    ),
    path("staff-posts/<int:pk>/submit/", views_plan.StaffPostSubmitView.as_view(), name="staffpost_submit"),
    path("analytics/", views_analytics.AnalyticsView.as_view(), name="analytics"),
]
