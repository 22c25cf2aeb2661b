from whitewall.core.forms import StyledModelForm
from whitewall.core.tables import Column
from whitewall.core.views import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView
from whitewall.projects.filtersets import ProjectFilterSet
from whitewall.projects.models import Project


class ProjectListView(ObjectListView):
    model = Project
    filterset_class = ProjectFilterSet
    default_ordering = ("code",)
    columns = [
        Column("code", order_by="code", linkify=True),
        Column("name", order_by="name"),
        Column("owner", order_by="owner__full_name"),
        Column("status", accessor="get_status_display", order_by="status"),
    ]

    def base_queryset(self):
        return Project.objects.select_related("owner")


class ProjectDetailView(ObjectDetailView):
    model = Project
    detail_fields = ["code", "name", "owner", "status", "created", "updated"]

    def base_queryset(self):
        return Project.objects.select_related("owner")


class ProjectForm(StyledModelForm):
    class Meta:
        model = Project
        fields = ("code", "name", "owner", "status")


class ProjectEditView(ObjectEditView):
    model = Project
    form_class = ProjectForm


class ProjectDeleteView(ObjectDeleteView):
    model = Project
