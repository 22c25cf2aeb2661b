"""API permissions: deny by default, answered by object permissions (core.permissions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from whitewall.core.permissions import ADD, CHANGE, DELETE, VIEW, permission_constraints, permission_name

METHOD_ACTIONS = {
    "GET": VIEW,
    "HEAD": VIEW,
    "OPTIONS": VIEW,
    "POST": ADD,
    "PUT": CHANGE,
    "PATCH": CHANGE,
    "DELETE": DELETE,
}


def action_for(request, view) -> str:
    """The object-permission action a request needs.

    A view (or one of its ``@action`` methods, through ``permission_action=...`` in the action's
    kwargs) may name its own action, e.g. ``change`` for ``POST /staff/{id}/deactivate/``.
    """
    explicit = getattr(view, "permission_action", None)
    if explicit:
        return explicit
    return METHOD_ACTIONS.get(request.method, CHANGE)


def token_allows(request) -> bool:
    """A read-only API token never allows unsafe methods (duck-typed: ``request.auth.can_write``)."""
    auth = request.auth
    if request.method in SAFE_METHODS or auth is None:
        return True
    return bool(getattr(auth, "can_write", True))


class ObjectPermissions(BasePermission):
    """The user must hold ``<app>.<action>_<model>`` (constrained or not) for the view's model.

    Rows are then narrowed by ``restrict()`` in the viewset's ``get_queryset``, so an object
    outside the user's scope answers 404, never 403 with its existence revealed.
    """

    message = _("You do not have permission to do this.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if not token_allows(request):
            self.message = _("This API token is read-only: it cannot change anything.")
            self.code = "token_read_only"
            return False
        model = getattr(view, "model", None)
        if model is None:
            return False  # deny by default: a view without a model needs its own permission class
        return permission_constraints(user, permission_name(model, action_for(request, view))) is not None


class IsAuthenticatedUser(BasePermission):
    """Any active, logged-in user (for the caller's own data, e.g. /api/v1/me/)."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and token_allows(request))


class IsActiveStaff(BasePermission):
    """Active staff members only: the schema and its documentation."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and user.is_staff)
