from django.urls import path

from whitewall.wall import views, views_review

urlpatterns = [
    path("", views.WallHomeView.as_view(), name="home"),
    path("t/<str:slug>/", views.TopicView.as_view(), name="wall_topic"),
    path("tag/<str:name>/", views.TagView.as_view(), name="wall_tag"),
    path("search/", views.SearchView.as_view(), name="wall_search"),
    path("p/<int:pk>/", views.PostView.as_view(), name="wall_post"),
    path("p/<int:pk>/seen/", views.PostSeenView.as_view(), name="wall_post_seen"),
    path("p/<int:pk>/like/", views.PostLikeView.as_view(), name="wall_post_like"),
    path("p/<int:pk>/comment/", views.CommentAddView.as_view(), name="wall_comment_add"),
    path("p/<int:pk>/report/", views.ReportView.as_view(), name="wall_post_report"),
    path("c/<int:pk>/report/", views.CommentReportView.as_view(), name="wall_comment_report"),
    path("img/<int:pk>/", views.ImageView.as_view(), name="wall_image"),
    path("img/<int:pk>/thumb/", views.ThumbnailView.as_view(), name="wall_image_thumb"),
    path("submit/", views.SubmitView.as_view(), name="wall_submit"),
    path("me/", views.MyPageView.as_view(), name="my_page"),
    path("me/submissions/", views.MySubmissionsView.as_view(), name="my_submissions"),
    path(
        "me/submissions/<int:pk>/withdraw/",
        views.MySubmissionActionView.as_view(action="withdraw"),
        name="my_submission_withdraw",
    ),
    path(
        "me/submissions/<int:pk>/takedown/",
        views.MySubmissionActionView.as_view(action="takedown"),
        name="my_submission_takedown",
    ),
    path("me/feedback/", views.MyFeedbackView.as_view(), name="my_feedback"),
    # The author's side of review: posts sent back for editing, edit and resubmit.
    path("me/sent-back/", views_review.SentBackListView.as_view(), name="my_page_sent_back"),
    path("me/sent-back/<int:pk>/", views_review.ResubmitView.as_view(), name="my_page_resubmit"),
]
