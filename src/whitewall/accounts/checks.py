"""The clause checks that the organisation directory proves: 1.2 (scope) and 4.1.1 (access).

Registered from AccountsConfig.ready(); the regulation board runs them with every other check.
Roles and placements have no history, so these checks describe the present only.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from whitewall.accounts.models import User
from whitewall.regulation.checks import CheckResult, Status, clause_check


def _staff_without_role_url() -> str:
    return reverse("accounts:staffprofile_list") + "?active=true&without_role=true"


def _active_staff():
    return User.objects.filter(is_staff=True, is_active=True)


@clause_check("1.2")
def every_staff_member_has_department_and_role() -> CheckResult:
    active = _active_staff()
    total = active.count()
    if total == 0:
        return CheckResult(
            Status.RED,
            _("No active staff member is in the organisation directory."),
            reverse("accounts:staffprofile_list"),
        )
    without_profile = active.filter(staff_profile__isnull=True).count()
    in_inactive_department = active.filter(staff_profile__department__is_active=False).count()
    without_role = active.filter(groups__isnull=True).count()
    outside = without_profile + in_inactive_department
    figures = {
        "active_staff": total,
        "without_staff_profile": without_profile,
        "in_inactive_department": in_inactive_department,
        "without_role": without_role,
    }
    if outside:
        return CheckResult(
            Status.RED,
            _(
                "%(outside)d of %(total)d active staff accounts are not placed in an active department "
                "(%(no_profile)d without a staff profile, %(inactive)d in an inactive department); "
                "%(no_role)d have no role."
            )
            % {
                "outside": outside,
                "total": total,
                "no_profile": without_profile,
                "inactive": in_inactive_department,
                "no_role": without_role,
            },
            reverse("accounts:user_list") + "?is_staff=true&is_active=true",
            figures,
        )
    if without_role:
        return CheckResult(
            Status.AMBER,
            _("%(count)d of %(total)d active staff have a department but no role.")
            % {"count": without_role, "total": total},
            _staff_without_role_url(),
            figures,
        )
    return CheckResult(
        Status.GREEN,
        _("All %(total)d active staff have a department and a role.") % {"total": total},
        reverse("accounts:staffprofile_list") + "?active=true",
        figures,
    )


@clause_check("4.1.1")
def no_staff_account_without_role() -> CheckResult:
    without_role = _active_staff().filter(groups__isnull=True).count()
    figures = {"without_role": without_role, "access_reviews": None}
    if without_role:
        return CheckResult(
            Status.RED,
            _("%(count)d active staff accounts have no role; access reviews are not built yet.")
            % {"count": without_role},
            _staff_without_role_url(),
            figures,
        )
    # Deny by default holds and every account has a role, but the periodic access review the
    # clause also asks for does not exist yet: a partial check is never green.
    return CheckResult(
        Status.AMBER,
        _(
            "Every active staff account has a role (permissions are denied by default), but access "
            "reviews are not built yet."
        ),
        reverse("accounts:role_list"),
        figures,
    )
