"""The roles the regulation names, and the default grants each app contributes to them.

Roles are Django groups named by a stable code. Apps add default grants in their
AppConfig.ready() with ``register_grants``; ``sync_roles`` (run after every migrate) creates
missing roles and seeds each default grant once, so an administrator's later edits stay.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from whitewall.config.policy import ROLE_CODES


@dataclass(frozen=True)
class RoleSpec:
    code: str
    label: object
    description: object


@dataclass(frozen=True)
class Grant:
    role: str
    model: str  # "app_label.model_name"
    actions: tuple[str, ...]
    constraints: object = None


ROLES: dict[str, RoleSpec] = {
    spec.code: spec
    for spec in [
        RoleSpec("system_admin", _("System administrator"), _("Maintains accounts, roles and permissions.")),
        RoleSpec(
            "operations_manager", _("Operations manager"), _("Leads the operations team and its processes.")
        ),
        RoleSpec("operator", _("Operator"), _("Runs day-to-day wall operations.")),
        RoleSpec(
            "content_reviewer",
            _("Content reviewer"),
            _("Reviews submissions and comments before publication."),
        ),
        RoleSpec(
            "tech_support",
            _("Technical support"),
            _("Keeps the systems running; answers technical requests."),
        ),
        RoleSpec("marketing", _("Marketing"), _("Promotes the wall and plans campaigns.")),
        RoleSpec("hr_officer", _("HR officer"), _("Manages staff records, hiring, training and appraisal.")),
        RoleSpec("finance_officer", _("Finance officer"), _("Performs the finance audit and payments.")),
        RoleSpec(
            "security_officer", _("Security officer"), _("Watches security events, lockouts and access.")
        ),
        RoleSpec("department_head", _("Department head"), _("Leads a department; sees its staff.")),
        RoleSpec("executive", _("Executive"), _("Company leadership; sees every figure.")),
        RoleSpec("auditor", _("Auditor"), _("Reads everything, changes nothing.")),
    ]
}
assert tuple(ROLES) == ROLE_CODES  # one list of role codes for the policy file and the roles

READ = ("view",)
ALL = ("view", "add", "change", "delete")


@dataclass
class GrantRegistry:
    grants: list[Grant] = field(default_factory=list)

    def register(self, role: str, model: str, actions: tuple[str, ...], constraints=None) -> None:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        self.grants.append(Grant(role=role, model=model, actions=tuple(actions), constraints=constraints))


registry = GrantRegistry()


def register_grants(model: str, grants: dict[str, tuple[str, ...]], constraints: dict | None = None) -> None:
    """``register_grants("accounts.department", {"hr_officer": ALL, "auditor": READ})``.

    ``constraints`` maps a role code to the constraints of its grant.
    """
    for role, actions in grants.items():
        registry.register(role, model, actions, (constraints or {}).get(role))


def grant_name(grant: Grant) -> str:
    return f"{grant.role}: {grant.model} ({', '.join(grant.actions)})"
