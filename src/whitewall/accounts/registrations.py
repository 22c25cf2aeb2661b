"""What accounts contributes to the platform registries: grants, menu, search, home cards."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from whitewall.accounts.roles import ALL, READ, register_grants
from whitewall.core.dashboard import register_widget
from whitewall.core.demo import register_seeder
from whitewall.core.navigation import MenuItem, register_menu
from whitewall.core.permissions import has_model_permission
from whitewall.core.search import register_search

EVERY_STAFF_ROLE = (
    "operations_manager",
    "operator",
    "content_reviewer",
    "tech_support",
    "marketing",
    "hr_officer",
    "finance_officer",
    "security_officer",
    "executive",
)


def register() -> None:
    from whitewall.accounts.models import Department, Position, StaffProfile, User

    # The organisation directory is readable by every staff role; HR maintains it.
    directory = dict.fromkeys(EVERY_STAFF_ROLE, READ)
    register_grants(
        "accounts.department",
        {**directory, "hr_officer": ALL, "system_admin": ALL, "auditor": READ, "department_head": READ},
    )
    register_grants(
        "accounts.position",
        {**directory, "hr_officer": ALL, "system_admin": ALL, "auditor": READ, "department_head": READ},
    )
    register_grants(
        "accounts.staffprofile",
        {
            **directory,
            "hr_officer": ("view", "add", "change"),
            "system_admin": ("view", "add", "change"),
            "auditor": READ,
            "department_head": READ,
        },
        constraints={"department_head": {"department": "$department"}},
    )
    # Only HR may reveal staff personal data (clause 6.1.2); everyone else sees it masked, in pages
    # and exports alike. A grant of its own, so that it is seeded into existing installations too.
    register_grants("accounts.staffprofile", {"hr_officer": ("reveal",)})
    register_grants(
        "accounts.user",
        {
            "hr_officer": ("view", "change"),
            "system_admin": ("view", "change"),
            "security_officer": READ,
            "executive": READ,
            "auditor": READ,
            "department_head": READ,
        },
        constraints={"department_head": {"staff_profile__department": "$department"}},
    )
    register_grants(
        "accounts.role", {"system_admin": ALL, "security_officer": READ, "auditor": READ, "hr_officer": READ}
    )
    register_grants(
        "accounts.objectpermission", {"system_admin": ALL, "security_officer": READ, "auditor": READ}
    )
    register_grants(
        "accounts.apitoken",
        {"system_admin": ("view", "change"), "security_officer": READ, "auditor": READ},
    )
    register_grants(
        "axes.accessattempt",
        {"security_officer": ("view", "delete"), "system_admin": ("view", "delete"), "auditor": READ},
    )

    register_menu(
        "organisation",
        gettext_lazy("Organisation"),
        "diagram-3",
        weight=80,
        items=[
            MenuItem(
                gettext_lazy("Staff"), "accounts:staffprofile_list", "accounts.view_staffprofile", "people"
            ),
            MenuItem(
                gettext_lazy("Departments"),
                "accounts:department_list",
                "accounts.view_department",
                "diagram-3",
            ),
            MenuItem(
                gettext_lazy("Positions"), "accounts:position_list", "accounts.view_position", "briefcase"
            ),
        ],
    )
    register_menu(
        "access",
        gettext_lazy("Access control"),
        "shield-lock",
        weight=90,
        items=[
            MenuItem(gettext_lazy("Users"), "accounts:user_list", "accounts.view_user", "person-badge"),
            MenuItem(gettext_lazy("Roles"), "accounts:role_list", "accounts.view_role", "person-vcard"),
            MenuItem(
                gettext_lazy("Permissions"),
                "accounts:objectpermission_list",
                "accounts.view_objectpermission",
                "key",
            ),
            MenuItem(
                gettext_lazy("Lockouts"), "accounts:accessattempt_list", "axes.view_accessattempt", "lock"
            ),
            MenuItem(
                gettext_lazy("API tokens"), "accounts:apitoken_list", "accounts.view_apitoken", "key-fill"
            ),
        ],
    )
    register_api_routes()
    register_search(StaffProfile, ("user__full_name", "user__username", "employee_no"), gettext_lazy("Staff"))
    register_search(Department, ("name", "code"), gettext_lazy("Departments"))
    register_search(Position, ("name", "code"), gettext_lazy("Positions"))
    register_search(User, ("username", "full_name", "email"), gettext_lazy("Users"))
    register_widget("organisation", organisation_card, weight=10)

    from whitewall.accounts.demo import seed_organisation

    register_seeder("organisation", seed_organisation, weight=10)


def organisation_card(request):
    """Clause 1.2 at a glance: staff, departments, and staff not yet placed in the organisation."""
    from whitewall.accounts.models import Department, StaffProfile, User

    user = request.user
    staff = StaffProfile.objects.restrict(user, "view")
    if not staff.exists() and not Department.objects.restrict(user, "view").exists():
        return None
    active = staff.filter(user__is_active=True)
    without_role = active.filter(user__groups__isnull=True).count()
    list_url = reverse("accounts:staffprofile_list")
    figures = [
        (_("Active staff"), active.count(), list_url + "?active=true"),
        (
            _("Departments"),
            Department.objects.restrict(user, "view").filter(is_active=True).count(),
            reverse("accounts:department_list"),
        ),
        (_("Staff without a role"), without_role, list_url + "?active=true&without_role=true"),
    ]
    if has_model_permission(user, User, "view"):
        figures.append(
            (
                _("Wall users"),
                User.objects.restrict(user, "view").filter(is_staff=False).count(),
                reverse("accounts:user_list") + "?is_staff=false",
            )
        )
    return {"title": _("Organisation"), "icon": "diagram-3", "figures": figures, "warning": without_role > 0}


def register_api_routes() -> None:
    from whitewall.accounts import api
    from whitewall.core.api.registry import register_api

    register_api("accounts/users", api.UserViewSet)
    register_api("accounts/staff", api.StaffProfileViewSet)
    register_api("accounts/departments", api.DepartmentViewSet)
    register_api("accounts/positions", api.PositionViewSet)
    register_api("accounts/roles", api.RoleViewSet)
    register_api("accounts/permissions", api.ObjectPermissionViewSet)
    register_api("me", api.MeViewSet, basename="me")
