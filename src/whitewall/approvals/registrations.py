"""What the approval engine contributes to the platform registries: grants and the menu."""

from django.utils.translation import gettext_lazy

from whitewall.accounts.roles import READ, ROLES, register_grants
from whitewall.core.navigation import MenuItem, register_menu


def inbox_badge(user) -> int | None:
    from whitewall.approvals.selectors import todo_count

    return todo_count(user)


def register() -> None:
    # Every role reads its own approval tasks and delegations (this is what shows the approvals
    # menu); auditors read all of them. The inbox and request pages show each person what they take
    # part in; reading every request needs the grant on approval requests.
    own_roles = [code for code in ROLES if code != "auditor"]
    register_grants(
        "approvals.approvaltask",
        {**dict.fromkeys(own_roles, READ), "auditor": READ},
        constraints=dict.fromkeys(own_roles, {"assignee": "$user"}),
    )
    register_grants(
        "approvals.delegation",
        {**dict.fromkeys(own_roles, READ), "auditor": READ},
        constraints=dict.fromkeys(own_roles, {"delegator": "$user"}),
    )
    # Deciding approvals for someone else (as their delegate) needs "decide" on approval tasks: every
    # role has it but the auditor, who reads everything and changes nothing.
    register_grants("approvals.approvaltask", dict.fromkeys(own_roles, ("decide",)))
    register_grants("approvals.approvalrequest", {"auditor": READ, "executive": READ})
    register_menu(
        "approvals",
        gettext_lazy("Approvals"),
        "check2-square",
        weight=20,
        items=[
            MenuItem(
                gettext_lazy("My approvals"),
                "approvals:inbox",
                "approvals.view_approvaltask",
                "inbox",
                badge=inbox_badge,
            ),
            MenuItem(
                gettext_lazy("Delegations"),
                "approvals:delegation_mine",
                "approvals.view_delegation",
                "person-check",
            ),
            MenuItem(
                gettext_lazy("All approval requests"),
                "approvals:approvalrequest_list",
                "approvals.view_approvalrequest",
                "list-check",
            ),
        ],
    )
    register_api_routes()


def register_api_routes() -> None:
    from whitewall.approvals import api
    from whitewall.core.api.registry import register_api

    register_api("approvals/requests", api.ApprovalRequestViewSet)
    register_api("approvals/delegations", api.DelegationViewSet)
