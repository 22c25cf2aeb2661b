"""Authorisation from ObjectPermission rows (NetBox's ObjectPermissionBackend, simplified).

Permissions are computed once per request and cached on the user object.
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import BaseBackend
from django.db.models import Q

from whitewall.accounts.constraints import to_q


class LoginBackend(AuthenticationBackend):
    """allauth's login backend, without the model-permission answers it inherits from Django's
    ModelBackend: permissions come only from object permissions (one place, deny by default)."""

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return False

    def has_module_perms(self, user_obj, app_label):
        return False


class ObjectPermissionBackend(BaseBackend):
    def _permissions(self, user) -> dict[str, list]:
        cached = getattr(user, "_object_perm_cache", None)
        if cached is not None:
            return cached
        from whitewall.accounts.models import ObjectPermission

        grants: dict[str, list] = {}
        rows = (
            ObjectPermission.objects.filter(enabled=True)
            .filter(Q(users=user) | Q(groups__user=user))
            .prefetch_related("object_types")
            .distinct()
        )
        for permission in rows:
            for content_type in permission.object_types.all():
                for action in permission.actions:
                    key = f"{content_type.app_label}.{action}_{content_type.model}"
                    grants.setdefault(key, []).append(permission.constraints)
        user._object_perm_cache = grants
        return grants

    def permission_constraints(self, user, perm: str) -> Q | None:
        if not user.is_active or user.is_anonymous:
            return None
        grants = self._permissions(user).get(perm)
        if grants is None:
            return None
        profile = getattr(user, "staff_profile", None) if user.is_staff else None
        department_id = profile.department_id if profile else None
        query = Q()
        first = True
        for constraints in grants:
            part = to_q(constraints, user_id=user.pk, department_id=department_id)
            if not part:
                return Q()
            query = part if first else query | part
            first = False
        return query

    def get_all_permissions(self, user, obj=None) -> set[str]:
        if not user.is_active or user.is_anonymous:
            return set()
        return set(self._permissions(user))

    def has_perm(self, user, perm: str, obj=None) -> bool:
        if not user.is_active or user.is_anonymous:
            return False
        constraints = self.permission_constraints(user, perm)
        if constraints is None:
            return False
        if obj is None or not constraints:
            return True
        model = type(obj)
        return model._default_manager.filter(pk=obj.pk).filter(constraints).exists()
