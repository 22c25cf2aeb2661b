"""What projects contributes to the platform registries."""

from django.utils.translation import gettext_lazy

from whitewall.accounts.roles import ALL, READ, register_grants
from whitewall.core.demo import register_seeder
from whitewall.core.navigation import MenuItem, register_menu
from whitewall.core.search import register_search


def register() -> None:
    from whitewall.projects.models import Project

    register_grants(
        "projects.project",
        {
            "operations_manager": ALL,
            "executive": READ,
            "auditor": READ,
            "finance_officer": READ,
            "department_head": READ,
            "tech_support": READ,
            "marketing": READ,
            "operator": READ,
        },
    )
    register_menu(
        "projects",
        gettext_lazy("Projects"),
        "kanban",
        weight=40,
        items=[
            MenuItem(gettext_lazy("Projects"), "projects:project_list", "projects.view_project", "kanban")
        ],
    )
    register_search(Project, ("code", "name"), gettext_lazy("Projects"))

    from whitewall.projects.demo import seed_projects

    register_seeder("projects", seed_projects, weight=20)
