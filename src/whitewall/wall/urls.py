from django.urls import path

from whitewall.wall import views_review
from whitewall.wall.views import MyPageView, WallHomeView

urlpatterns = [
    path("", WallHomeView.as_view(), name="home"),
    path("me/", MyPageView.as_view(), name="my_page"),
    # The author's side of review: posts sent back for editing, edit and resubmit.
    path("me/sent-back/", views_review.SentBackListView.as_view(), name="my_page_sent_back"),
    path("me/sent-back/<int:pk>/", views_review.ResubmitView.as_view(), name="my_page_resubmit"),
]
