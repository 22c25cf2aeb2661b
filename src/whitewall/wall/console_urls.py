"""The wall's console pages, mounted at ``console/wall/`` under the ``wall`` namespace (URL names
``wall:<model>_<action>`` as everywhere). Each part of the wall adds its own URL module here."""

from django.urls import path

from whitewall.wall import urls_words
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
]
