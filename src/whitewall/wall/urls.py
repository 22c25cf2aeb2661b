from django.urls import path

from whitewall.wall.views import MyPageView, WallHomeView

urlpatterns = [
    path("", WallHomeView.as_view(), name="home"),
    path("me/", MyPageView.as_view(), name="my_page"),
]
