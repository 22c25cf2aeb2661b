"""What the approval engine contributes to the platform registries: grants and the menu."""

from django.utils.translation import gettext_lazy

from whitewall.accounts.roles import READ, register_grants
from whitewall.core.navigation import MenuItem, register_menu


def inbox_badge(user) -> int | None:
    from whitewall.approvals.selectors import todo_count

    return todo_count(user)


def register() -> None:
    # Everyone sees the requests they take part in; these grants are for reading all of them.
    register_grants("approvals.approvalrequest", {"auditor": READ, "executive": READ})
    register_grants("approvals.delegation", {"auditor": READ})
    register_menu(
        "approvals",
        gettext_lazy("Approvals"),
        "check2-square",
        weight=20,
        items=[
            MenuItem(gettext_lazy("My approvals"), "approvals:inbox", None, "inbox", badge=inbox_badge),
            MenuItem(gettext_lazy("Delegations"), "approvals:delegation_mine", None, "person-check"),
            MenuItem(
                gettext_lazy("All approval requests"),
                "approvals:approvalrequest_list",
                "approvals.view_approvalrequest",
                "list-check",
            ),
        ],
    )
