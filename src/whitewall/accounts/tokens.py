"""Personal API tokens: making, checking and revoking them (services keep the usual shape).

A key looks like ``ww_<12 hex>.<43 random characters>``. The part before the dot is the
prefix, stored in clear and unique, used to find the row; the row keeps only
SHA-256(salt + key) with a per-token random salt, compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from whitewall.accounts.models import APIToken, User
from whitewall.config.policy import get_policy
from whitewall.core.permissions import CHANGE

KEY_START = "ww_"
LAST_USED_EVERY = timedelta(minutes=1)


def digest(salt: str, key: str) -> str:
    return hashlib.sha256((salt + key).encode()).hexdigest()


def split_key(key: str) -> tuple[str, str] | None:
    if not key.startswith(KEY_START) or "." not in key:
        return None
    prefix, secret = key.split(".", 1)
    if not prefix or not secret or len(prefix) > 16:
        return None
    return prefix, secret


@transaction.atomic
def apitoken_create(*, actor: User, name: str, scope: str, days: int) -> tuple[APIToken, str]:
    """Make a token for ``actor`` (tokens are personal). Returns the token and its key, once."""
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Give the token a name, e.g. the script that uses it.")]
    if scope not in (APIToken.SCOPE_READ, APIToken.SCOPE_WRITE):
        errors["scope"] = [_("Choose read only or read and write.")]
    max_days = get_policy().api.token_max_days
    if not isinstance(days, int) or not 1 <= days <= max_days:
        errors["days"] = [_("A token lives from 1 to %(max)d days.") % {"max": max_days}]
    if errors:
        raise ValidationError(errors)
    prefix = KEY_START + secrets.token_hex(6)
    key = f"{prefix}.{secrets.token_urlsafe(32)}"
    salt = secrets.token_hex(16)
    token = APIToken.objects.create(
        user=actor,
        name=name,
        prefix=prefix,
        salt=salt,
        key_hash=digest(salt, key),
        scope=scope,
        expires=timezone.now() + timedelta(days=days),
    )
    return token, key


@transaction.atomic
def apitoken_revoke(*, actor: User, token: APIToken) -> APIToken:
    """Owners revoke their own tokens; those who may change API tokens revoke anyone's."""
    if (
        token.user_id != actor.pk
        and not APIToken.objects.restrict(actor, CHANGE).filter(pk=token.pk).exists()
    ):
        raise PermissionDenied(_("You do not have permission to do this."))
    token = APIToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked:
        raise ValidationError(_("This token is already revoked."))
    token.revoked = timezone.now()
    token.save(update_fields=["revoked", "updated"])
    return token


def check_key(key: str) -> APIToken | None:
    """The token whose key this is, or None (wrong, unknown or malformed: never say which)."""
    parts = split_key(key)
    if parts is None:
        return None
    token = APIToken.objects.select_related("user").filter(prefix=parts[0]).first()
    if token is None:
        digest("0" * 32, key)  # spend the same time as a real comparison
        return None
    if not hmac.compare_digest(token.key_hash, digest(token.salt, key)):
        return None
    return token


def touch(token: APIToken) -> None:
    """Record use, at most once a minute (a write per request would be wasteful)."""
    now = timezone.now()
    if token.last_used is None or now - token.last_used >= LAST_USED_EVERY:
        APIToken.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now
