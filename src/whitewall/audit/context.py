"""Who is acting, from where: the request context of audit events, carried in context variables.

The middleware sets it for every request, so code deep inside a service (or a signal receiver)
records the right actor, address, user agent and request id without being handed the request.
Jobs and commands that act for someone say so with ``acting_as(user)``.
"""

from __future__ import annotations

import re
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from whitewall.core.request import client_ip

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


@dataclass
class AuditContext:
    request: Any = None
    request_id: str = ""
    ip: str = ""
    user_agent: str = ""
    actor: Any = None  # an explicit actor (acting_as); otherwise the request's user


_current: ContextVar[AuditContext | None] = ContextVar("whitewall_audit_context", default=None)


def new_request_id(request=None) -> str:
    """A fresh id, or the one a trusted proxy already gave this request."""
    if request is not None:
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        trusted = getattr(settings, "WHITEWALL_TRUSTED_PROXIES", [])
        if given and request.META.get("REMOTE_ADDR") in trusted and _REQUEST_ID.match(given):
            return given
    return uuid.uuid4().hex


def context_for_request(request) -> AuditContext:
    request_id = getattr(request, "request_id", None) or new_request_id(request)
    request.request_id = request_id
    return AuditContext(
        request=request,
        request_id=request_id,
        ip=client_ip(request) or "",
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )


def current() -> AuditContext | None:
    return _current.get()


@contextmanager
def request_context(request):
    token = _current.set(context_for_request(request))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


@contextmanager
def acting_as(user, *, request_id: str | None = None, ip: str | None = None, user_agent: str | None = None):
    """Events recorded inside are attributed to ``user`` (jobs, commands acting for someone)."""
    outer = _current.get()
    context = AuditContext(
        request=outer.request if outer else None,
        request_id=request_id or (outer.request_id if outer else uuid.uuid4().hex),
        ip=ip if ip is not None else (outer.ip if outer else ""),
        user_agent=user_agent if user_agent is not None else (outer.user_agent if outer else ""),
        actor=user,
    )
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)
