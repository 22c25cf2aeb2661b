"""Deny by default at the door: the console is for active staff; MFA-required roles set up MFA first."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from whitewall.config.policy import get_policy

CONSOLE_PREFIX = "/console/"
API_PREFIX = "/api/"
# Paths a user who must set up MFA may still open: the set-up itself, logout, static files.
MFA_SETUP_ALLOWED = ("/accounts/", "/static/", "/i18n/", "/media/")


def mfa_required(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    required = set(get_policy().auth.mfa_required_roles)
    return bool(required & user.role_codes())


def has_mfa(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class AccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        path = request.path
        if path.startswith(CONSOLE_PREFIX):
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            if not (user.is_active and user.is_staff):
                raise PermissionDenied(_("The console is for staff members only."))
        if path.startswith("/admin/") and user.is_authenticated and not user.is_superuser:
            raise PermissionDenied(_("The administration site is for superusers only."))
        if (
            user.is_authenticated
            and not path.startswith(MFA_SETUP_ALLOWED)
            and mfa_required(user)
            and not has_mfa(user)
        ):
            if path.startswith(API_PREFIX):
                raise PermissionDenied(_("Set up two-factor authentication before using the API."))
            return redirect(reverse("mfa_activate_totp") + "?next=" + request.get_full_path())
        return self.get_response(request)
