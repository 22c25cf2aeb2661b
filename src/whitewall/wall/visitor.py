"""Who is acting on the public wall: a signed-in wall user, or a guest known by a signed cookie.

``Visitor.key`` is a blind index (HMAC) of the user id or of the guest token: it finds a person's
submissions, likes and reports without storing who they are in clear.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from functools import cached_property

from whitewall.core.encryption import blind_index
from whitewall.core.request import client_ip

GUEST_COOKIE = "ww_guest"
GUEST_SALT = "whitewall.wall.guest"
GUEST_MAX_AGE = 365 * 24 * 3600


@dataclass
class Visitor:
    user: object | None = None  # an authenticated User, or None for a guest
    guest_token: str = ""
    ip: str = ""
    user_agent: str = ""

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @cached_property
    def key(self) -> str:
        if self.user is not None:
            return blind_index(f"user:{self.user.pk}")
        if self.guest_token:
            return blind_index(f"guest:{self.guest_token}")
        return ""

    @property
    def rate_ident(self) -> str:
        return f"user:{self.user.pk}" if self.user is not None else ""

    def identity_json(self) -> str:
        """What ``submitter_identity`` holds (encrypted): enough to find the person later."""
        return json.dumps(
            {
                "user_id": getattr(self.user, "pk", None),
                "username": getattr(self.user, "username", ""),
                "guest": bool(self.guest_token) and self.user is None,
                "ip": self.ip,
                "user_agent": self.user_agent[:300],
            },
            ensure_ascii=False,
        )


def read_guest_token(request) -> str:
    token = request.get_signed_cookie(GUEST_COOKIE, default="", salt=GUEST_SALT, max_age=GUEST_MAX_AGE)
    return token if isinstance(token, str) and 16 <= len(token) <= 64 else ""


def visitor_for(request, *, create_guest: bool = False) -> Visitor:
    """The visitor of this request; with ``create_guest`` a guest without a cookie gets a token,
    set on the response by ``remember_guest``."""
    user = request.user if request.user.is_authenticated else None
    token = ""
    if user is None:
        token = read_guest_token(request)
        if not token and create_guest:
            token = secrets.token_urlsafe(24)
            request._wall_new_guest = token
    return Visitor(
        user=user,
        guest_token=token,
        ip=client_ip(request) or "",
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )


def remember_guest(request, response):
    token = getattr(request, "_wall_new_guest", "")
    if token:
        response.set_signed_cookie(
            GUEST_COOKIE,
            token,
            salt=GUEST_SALT,
            max_age=GUEST_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response
