from django.urls import path

from whitewall.core.navigation import menu_badge
from whitewall.core.views.console import ConsoleHomeView, SearchView
from whitewall.core.views.policy import PolicyView

app_name = "console"

urlpatterns = [
    path("", ConsoleHomeView.as_view(), name="home"),
    path("search/", SearchView.as_view(), name="search"),
    path("policy/", PolicyView.as_view(), name="policy"),
    path("menu-badge/<str:url_name>/", menu_badge, name="menu_badge"),
]
