from whitewall.core.urls_helpers import crud_paths
from whitewall.projects import views

app_name = "projects"

urlpatterns = [
    *crud_paths(
        "projects",
        "project",
        list=views.ProjectListView,
        detail=views.ProjectDetailView,
        add=views.ProjectEditView,
        edit=views.ProjectEditView,
        delete=views.ProjectDeleteView,
    ),
]
