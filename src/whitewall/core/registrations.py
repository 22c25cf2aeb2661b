"""What core contributes to its own registries: the jobs pages in the menu, its periodic tasks."""

from django.utils.translation import gettext_lazy

from whitewall.core.navigation import MenuItem, register_menu


def register() -> None:
    from whitewall.core import tasks  # noqa: F401 - registers core's periodic tasks

    register_menu(
        "system",
        gettext_lazy("System"),
        "gear",
        weight=95,
        items=[
            MenuItem(gettext_lazy("Jobs"), "core:job_list", "core.view_job", "hourglass-split"),
            MenuItem(
                gettext_lazy("Scheduled tasks"),
                "core:periodictask_list",
                "core.view_periodicrun",
                "clock-history",
            ),
        ],
    )
