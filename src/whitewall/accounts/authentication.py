"""DRF authentication by personal API token: ``Authorization: Token <key>``.

Kept apart from accounts/api.py: DRF imports this class while ``rest_framework.views`` is being
imported, so this module must not import DRF views.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions


class APITokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the header as: Authorization: Token <key>."), code="token_invalid"
            )
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid API token."), code="token_invalid")
        return self.authenticate_credentials(key)

    def authenticate_credentials(self, key: str):
        from whitewall.accounts.middleware import has_mfa, mfa_required
        from whitewall.accounts.tokens import check_key, touch

        token = check_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid API token."), code="token_invalid")
        if token.revoked:
            raise exceptions.AuthenticationFailed(_("This API token has been revoked."), code="token_revoked")
        if token.is_expired():
            raise exceptions.AuthenticationFailed(_("This API token has expired."), code="token_expired")
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("This account is inactive."), code="account_inactive")
        if mfa_required(user) and not has_mfa(user):
            # The same rule as the session: roles that must use two-factor authentication
            # cannot use the API (by any door) until they have set it up.
            raise exceptions.AuthenticationFailed(
                _("Set up two-factor authentication before using the API."), code="mfa_required"
            )
        touch(token)
        return user, token

    def authenticate_header(self, request):
        return self.keyword
