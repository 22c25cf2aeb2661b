from django.urls import path

from whitewall.core.views.console import ConsoleHomeView, SearchView

app_name = "console"

urlpatterns = [
    path("", ConsoleHomeView.as_view(), name="home"),
    path("search/", SearchView.as_view(), name="search"),
]
