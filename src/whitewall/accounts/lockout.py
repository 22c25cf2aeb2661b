"""Account lockout (django-axes): reading the username allauth posts, the lockout page, release."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _

from whitewall.config.policy import get_policy


def axes_username(request, credentials) -> str | None:
    credentials = credentials or {}
    value = credentials.get("username") or credentials.get("email") or credentials.get("login")
    if not value and request is not None and request.method == "POST":
        value = request.POST.get("login") or request.POST.get("username")
    if not isinstance(value, str):
        return value
    value = value.strip().lower()
    if "@" in value:
        # Count failures per account, not per identifier: logging in by email must neither
        # bypass a lock taken by username nor give an attacker a second set of attempts.
        from whitewall.accounts.models import User

        user = User.objects.filter(email__iexact=value).only("username").first()
        if user is not None:
            return user.username.lower()
    return value


def lockout_response(request, credentials, *args, **kwargs):
    minutes = get_policy().auth.lockout_minutes
    if minutes:
        message = _("Too many failed logins. This account is locked for %(minutes)d minutes.") % {
            "minutes": minutes
        }
    else:
        message = _("Too many failed logins. This account is locked until a security officer releases it.")
    return render(request, "accounts/locked_out.html", {"message": message}, status=429)


def is_locked(attempt) -> bool:
    from django.conf import settings
    from django.utils import timezone

    if attempt.failures_since_start < settings.AXES_FAILURE_LIMIT:
        return False
    cooloff = settings.AXES_COOLOFF_TIME
    return cooloff is None or attempt.attempt_time + cooloff > timezone.now()


def release_lockouts(*, actor, request, attempts) -> int:
    """Release locked accounts: axes' attempts and allauth's second-factor throttle for the user."""
    from allauth.core import ratelimit
    from axes.utils import reset

    from whitewall.accounts.models import User

    released = 0
    for attempt in attempts:
        released += reset(username=attempt.username) or 0
        user = User.objects.filter(username__iexact=attempt.username).first()
        if user is not None and request is not None:
            ratelimit.clear(request, action="login_failed", key=f"mfa-auth-user-{user.pk}")
    return released
