"""What publishing, the plan and analytics contribute: grants, notification kind, menu, cards, API."""

from django.utils.translation import gettext_lazy

from whitewall.accounts.roles import ALL, READ, register_grants
from whitewall.core.api.registry import register_api
from whitewall.core.dashboard import register_widget
from whitewall.core.navigation import MenuItem, register_menu
from whitewall.notifications.registry import INAPP, register_kind

PLANNERS = ("operator", "marketing")
ANALYSTS = ("operations_manager", "marketing", "executive", "auditor")


def register() -> None:
    from whitewall.wall import tasks  # noqa: F401 - registers the publishing job

    register_kind(
        "wall.post_published",
        gettext_lazy("Your post was published"),
        default_channels=(INAPP,),
        description=gettext_lazy("A post of yours went out on the wall."),
    )
    # The plan: operators and marketing plan and write; the operations manager everything; auditors read.
    register_grants(
        "wall.planitem",
        {**dict.fromkeys(PLANNERS, ALL), "operations_manager": ALL, "auditor": READ},
    )
    register_grants(
        "wall.staffpost",
        {**dict.fromkeys(PLANNERS, ALL), "operations_manager": ALL, "auditor": READ},
    )
    # Scheduling any approved post (the staging queue), and reading the analytics.
    register_grants(
        "wall.post", {**dict.fromkeys(PLANNERS, ("schedule",)), "operations_manager": ("schedule",)}
    )
    register_grants("wall.post", dict.fromkeys(ANALYSTS, ("analytics",)))

    register_menu(
        "wall",
        gettext_lazy("The wall"),
        "columns-gap",
        weight=20,
        items=[
            MenuItem(gettext_lazy("Publishing plan"), "wall:plan", "wall.view_planitem", "calendar3"),
            MenuItem(
                gettext_lazy("Staff posts"), "wall:staffpost_list", "wall.view_staffpost", "pencil-square"
            ),
            MenuItem(gettext_lazy("Analytics"), "wall:analytics", "wall.analytics_post", "graph-up"),
        ],
    )
    register_widget("wall_publishing", _today_card, weight=25)

    from whitewall.core.demo import register_seeder
    from whitewall.wall.demo_plan import seed_plan

    register_seeder("wall_plan", seed_plan, weight=60)

    from whitewall.wall import api_plan

    register_api("wall/plan-items", api_plan.PlanItemViewSet)
    register_api("wall/staff-posts", api_plan.StaffPostViewSet)
    register_api("wall/schedule", api_plan.ScheduleViewSet, basename="wall-schedule")
    register_api("wall/analytics", api_plan.AnalyticsViewSet, basename="wall-analytics")


def _today_card(request):
    from django.db.models import Q
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from whitewall.core.permissions import has_model_permission
    from whitewall.wall.calendar import visible_posts
    from whitewall.wall.models import PlanItem, Post
    from whitewall.wall.slots import local_day_bounds

    user = request.user
    if not has_model_permission(user, PlanItem, "view"):
        return None
    start, end = local_day_bounds(timezone.localdate())
    posts = visible_posts(user)
    today = posts.filter(
        Q(status=Post.Status.SCHEDULED, scheduled_for__gte=start, scheduled_for__lt=end)
        | Q(status=Post.Status.PUBLISHED, published_at__gte=start, published_at__lt=end)
    ).count()
    overdue = posts.filter(status=Post.Status.SCHEDULED, scheduled_for__lt=timezone.now()).count()
    waiting = posts.filter(status=Post.Status.APPROVED).count()
    url = reverse("wall:plan")
    return {
        "title": _("Publishing today"),
        "icon": "calendar-week",
        "figures": [
            (_("Slots today"), today, url),
            (_("Overdue"), overdue, url),
            (_("Waiting for a slot"), waiting, url),
        ],
        "warning": overdue > 0,
    }
