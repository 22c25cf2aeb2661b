"""What publishing, the plan and analytics contribute: grants, notification kind, menu, cards, API."""

from django.utils.translation import gettext_lazy

from whitewall.accounts.roles import ALL, READ, register_grants
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
