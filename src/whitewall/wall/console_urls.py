"""The wall's console pages, mounted at ``console/wall/`` under the ``wall`` namespace (URL names
``wall:<model>_<action>`` as everywhere). Each part of the wall adds its own URL module here."""

from django.urls import path

from whitewall.core.urls_helpers import crud_paths
from whitewall.wall import console_views_public, urls_words, views_analytics, views_plan
from whitewall.wall import views_review as review

app_name = "wall"

urlpatterns = [
    # Content operations: the review queue, reports, feedback and complaints, take-down requests.
    path("review/", review.ReviewQueueView.as_view(), name="review_list"),
    path("review/bulk/", review.ReviewBulkView.as_view(), name="review_bulk"),
    path("review/rescreen/", review.RescreenView.as_view(), name="review_rescreen"),
    path("review/posts/<int:pk>/", review.ReviewPostView.as_view(), name="review_post"),
    path(
        "review/posts/<int:pk>/<slug:action>/",
        review.ReviewPostDecideView.as_view(),
        name="review_post_decide",
    ),
    path("review/comments/<int:pk>/", review.ReviewCommentView.as_view(), name="review_comment"),
    path(
        "review/comments/<int:pk>/<slug:action>/",
        review.ReviewCommentDecideView.as_view(),
        name="review_comment_decide",
    ),
    path("reports/", review.ReportListView.as_view(), name="report_list"),
    path("reports/<int:pk>/", review.ReportDetailView.as_view(), name="report_detail"),
    path("reports/<int:pk>/<slug:action>/", review.ReportHandleView.as_view(), name="report_handle"),
    path("feedback/", review.FeedbackListView.as_view(), name="feedback_list"),
    path("feedback/<int:pk>/", review.FeedbackDetailView.as_view(), name="feedback_detail"),
    path("feedback/<int:pk>/<slug:action>/", review.FeedbackActionView.as_view(), name="feedback_action"),
    path("takedowns/", review.TakedownRequestListView.as_view(), name="takedown_list"),
    path(
        "takedowns/<int:pk>/<slug:decision>/",
        review.TakedownRequestDecideView.as_view(),
        name="takedown_decide",
    ),
    *urls_words.urlpatterns,
    # Publishing plan (plan engineer's area).
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
    path("posts/<int:pk>/identity/", console_views_public.PostIdentityView.as_view(), name="post_identity"),
    path("posts/<int:pk>/reveal/", console_views_public.PostRevealView.as_view(), name="post_reveal"),
]
