"""Business operations on accounts and the organisation (HackSoft-style services)."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from whitewall.accounts.models import Department, ObjectPermission, Role, SeededGrant, StaffProfile, User
from whitewall.accounts.roles import ROLES, grant_name, registry
from whitewall.core.permissions import has_model_permission


def _require(actor: User | None, model, action: str) -> None:
    if actor is not None and not has_model_permission(actor, model, action):
        raise PermissionDenied(_("You do not have permission to do this."))


@transaction.atomic
def sync_roles() -> dict[str, int]:
    """Create missing roles and seed every registered default grant once (idempotent)."""
    created_roles = 0
    for code in ROLES:
        _group, created = Group.objects.get_or_create(name=code)
        created_roles += int(created)
    seeded = set(SeededGrant.objects.values_list("name", flat=True))
    created_grants = 0
    for grant in registry.grants:
        name = grant_name(grant)
        if name in seeded:
            continue
        app_label, model_name = grant.model.split(".")
        try:
            content_type = ContentType.objects.get_by_natural_key(app_label, model_name)
        except ContentType.DoesNotExist:
            continue  # the model's app is not migrated yet; seeded on a later run
        permission, _created = ObjectPermission.objects.get_or_create(
            name=name[:100],
            defaults={"actions": list(grant.actions), "constraints": grant.constraints, "description": ""},
        )
        permission.object_types.add(content_type)
        permission.groups.add(Group.objects.get(name=grant.role))
        SeededGrant.objects.create(name=name)
        seeded.add(name)  # two modules may register the same grant: it is seeded once
        created_grants += 1
    return {"roles": created_roles, "grants": created_grants}


DEFAULT_DEPARTMENTS = [
    # code, name (data in the default language), parent code
    ("company", "白墙运营中心", None),
    ("management", "管理层", "company"),
    ("operations", "运营部", "company"),
    ("content-review", "内容审核组", "operations"),
    ("tech-support", "技术支持部", "company"),
    ("marketing", "市场推广部", "company"),
    ("hr", "人力资源部", "company"),
    ("finance", "财务部", "company"),
    ("security", "安全管理部", "company"),
]


@transaction.atomic
def sync_default_departments() -> int:
    """Seed the regulation's scope (clause 1.2) once, into an empty department table."""
    if Department.objects.exists():
        return 0
    by_code: dict[str, Department] = {}
    for index, (code, name, parent) in enumerate(DEFAULT_DEPARTMENTS):
        by_code[code] = Department.objects.create(
            code=code, name=name, parent=by_code.get(parent), sort_order=(index + 1) * 10
        )
    return len(by_code)


PRIVILEGED_ROLES = frozenset({"system_admin", "security_officer", "auditor"})


def _check_role_change(actor: User | None, before: set[str], after: set[str]) -> None:
    """Only those who manage roles may hand out or take away the privileged ones."""
    if actor is None or has_model_permission(actor, Role, "change"):
        return
    touched = (before ^ after) & PRIVILEGED_ROLES
    if touched:
        labels = ", ".join(str(ROLES[code].label) for code in sorted(touched))
        raise ValidationError(
            {"roles": _("Only a system administrator can grant or remove: %(roles)s.") % {"roles": labels}}
        )


@transaction.atomic
def staff_create(
    *, actor: User | None, user: User, profile: StaffProfile, roles: list[Group]
) -> StaffProfile:
    _require(actor, StaffProfile, "add")
    _check_role_change(actor, set(), {role.name for role in roles})
    user.is_staff = True
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set(roles)
    profile.user = user
    profile.full_clean()
    profile.save()
    if user.email:
        from allauth.account.models import EmailAddress

        # A work address entered by HR is vouched for: the person can log in with it at once.
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return profile


@transaction.atomic
def staff_set_roles(*, actor: User | None, user: User, roles: list[Group]) -> None:
    _require(actor, StaffProfile, "change")
    if actor is not None and actor.pk == user.pk and not actor.is_superuser:
        raise ValidationError({"roles": _("You cannot change your own roles.")})
    _check_role_change(actor, set(user.groups.values_list("name", flat=True)), {role.name for role in roles})
    user.groups.set(roles)


@transaction.atomic
def staff_deactivate(*, actor: User | None, user: User) -> User:
    """Staff leave by deactivation: they can no longer log in; their records stay."""
    _require(actor, User, "change")
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    if not user.is_active:
        raise ValidationError(_("%(user)s is already inactive.") % {"user": user})
    user.is_active = False
    user.save(update_fields=["is_active"])
    from django.contrib.sessions.models import Session

    # End the person's open sessions at once.
    for session in Session.objects.all().iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
    return user


@transaction.atomic
def staff_reactivate(*, actor: User | None, user: User) -> User:
    _require(actor, User, "change")
    if user.is_active:
        raise ValidationError(_("%(user)s is already active.") % {"user": user})
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def user_set_email(*, user: User, email: str) -> None:
    """Change a person's address everywhere at once: the account and the login address.

    Staff addresses are set by HR or an administrator, who vouch for them, so the new address
    is verified; the old one stops working for login and password reset.
    """
    from allauth.account.models import EmailAddress

    email = email.strip().lower()
    if user.email.lower() == email and EmailAddress.objects.filter(user=user, email__iexact=email).exists():
        return
    user.email = email
    user.save(update_fields=["email"])
    EmailAddress.objects.filter(user=user).exclude(email__iexact=email).delete()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
