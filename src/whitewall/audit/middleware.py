"""Gives every request an id (returned as ``X-Request-ID``) and the audit context of its events."""

from __future__ import annotations

from whitewall.audit.context import request_context


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_context(request) as context:
            response = self.get_response(request)
        response["X-Request-ID"] = context.request_id
        return response
