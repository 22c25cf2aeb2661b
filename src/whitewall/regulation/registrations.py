"""What the regulation board contributes to the platform registries.

Who may do what (defaults; administrators change them in the console):
- every role reads the clauses, the board, its check history and the regulation versions;
- system administrators and operations managers draft, change, delete (drafts only) and publish
  regulation versions — the operations manager owns the processes the regulation lays down, the
  system administrator keeps the platform's configuration;
- system administrators, security officers, operations managers and executives may run the
  checks on demand (the job runs them anyway every ``regulation.check_minutes``);
- acknowledgements: each person sees their own; the roles that follow up on them (system
  administrators, operations managers, HR officers, executives) and auditors see everyone's.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from whitewall.accounts.roles import READ, ROLES, register_grants
from whitewall.core.dashboard import register_widget
from whitewall.core.demo import register_seeder
from whitewall.core.navigation import MenuItem, register_menu
from whitewall.core.permissions import has_model_permission
from whitewall.core.search import register_search

EVERY_ROLE = tuple(ROLES)
VERSION_MANAGERS = ("system_admin", "operations_manager")
CHECK_RUNNERS = ("system_admin", "security_officer", "operations_manager", "executive")
ACKNOWLEDGEMENT_READERS = ("system_admin", "operations_manager", "hr_officer", "executive", "auditor")


def register() -> None:
    from whitewall.regulation.models import Clause

    everyone_reads = dict.fromkeys(EVERY_ROLE, READ)
    register_grants("regulation.chapter", everyone_reads)
    register_grants("regulation.clause", everyone_reads)
    register_grants("regulation.checksnapshot", everyone_reads)
    register_grants(
        "regulation.checkrun", {**everyone_reads, **dict.fromkeys(CHECK_RUNNERS, ("view", "run"))}
    )
    register_grants(
        "regulation.regulationversion",
        {
            **everyone_reads,
            **dict.fromkeys(VERSION_MANAGERS, ("view", "add", "change", "delete", "publish")),
        },
    )
    own = [role for role in EVERY_ROLE if role not in ACKNOWLEDGEMENT_READERS]
    register_grants(
        "regulation.acknowledgement",
        dict.fromkeys(EVERY_ROLE, READ),
        constraints=dict.fromkeys(own, {"user": "$user"}),
    )

    register_menu(
        "regulation",
        pgettext_lazy("menu group", "Regulation"),
        "journal-check",
        weight=60,
        items=[
            MenuItem(gettext_lazy("Board"), "regulation:board", "regulation.view_clause", "clipboard-check"),
            MenuItem(
                gettext_lazy("Versions"),
                "regulation:regulationversion_list",
                "regulation.view_regulationversion",
                "journal-text",
            ),
            MenuItem(
                gettext_lazy("My acknowledgement"),
                "regulation:acknowledgement_mine",
                "regulation.view_regulationversion",
                "check2-square",
            ),
        ],
    )
    register_search(Clause, ("code", "title_zh", "title_en"), gettext_lazy("Clauses"))
    register_widget("regulation", board_card, weight=5)

    from whitewall.regulation.demo import seed_regulation

    register_seeder("regulation", seed_regulation, weight=40)
    register_api_routes()


def board_card(request):
    """The board at a glance: clauses per status in the latest run."""
    from whitewall.regulation.models import Clause
    from whitewall.regulation.selectors import latest_statuses

    user = request.user
    if not has_model_permission(user, Clause, "view"):
        return None
    counts = latest_statuses()["counts"]
    url = reverse("regulation:board")
    figures = [
        (_("Carried out"), counts["green"], url + "?status=green"),
        (_("Needs attention"), counts["amber"], url + "?status=amber"),
        (_("Not carried out"), counts["red"], url + "?status=red"),
        (_("Not built yet"), counts["not_built"], url + "?status=not_built"),
    ]
    return {
        "title": _("Regulation board"),
        "icon": "clipboard-check",
        "figures": figures,
        "warning": counts["red"] > 0,
    }


def register_api_routes() -> None:
    from whitewall.core.api.registry import register_api
    from whitewall.regulation import api

    register_api("regulation/clauses", api.ClauseViewSet)
    register_api("regulation/versions", api.RegulationVersionViewSet)
    register_api("regulation/acknowledgements", api.AcknowledgementViewSet)
    register_api("regulation/runs", api.CheckRunViewSet)
    register_api("regulation/snapshots", api.CheckSnapshotViewSet)
