"""Demo projects (the projects module adds plans and stage gates)."""

from whitewall.accounts.models import User
from whitewall.projects.models import Project, ProjectStatus

PROJECTS = [
    ("wall-2", "白墙 2.0 改版", "ops_manager", ProjectStatus.ACTIVE),
    ("campus-tour", "高校巡回推广", "marketing", ProjectStatus.ACTIVE),
    ("moderation-ai", "智能审核辅助", "support", ProjectStatus.ACTIVE),
    ("annual-meeting", "年度用户大会", "ops_manager", ProjectStatus.PLANNED),
    ("ops-handbook", "运营手册修订", "ops_manager", ProjectStatus.CLOSED),
]


def seed_projects() -> str:
    users = {u.username: u for u in User.objects.filter(username__in={row[2] for row in PROJECTS})}
    made = 0
    for code, name, owner, status in PROJECTS:
        if owner in users:
            Project.objects.get_or_create(
                code=code, defaults={"name": name, "owner": users[owner], "status": status}
            )
            made += 1
    return f"{made} projects"
