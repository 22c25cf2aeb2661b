"""The wall's console pages, mounted at /console/wall/ under the ``wall`` namespace."""

app_name = "wall"

urlpatterns = []
