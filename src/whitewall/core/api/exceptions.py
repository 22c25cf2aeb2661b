"""One JSON error format for the whole API.

Every error answers ``{"detail": "<one sentence>", "code": "<machine code>"}``; validation
errors add ``"errors": {"<field>": ["<message>", ...]}`` naming each field (``"non_field_errors"``
for errors about the whole object). Django's own ``ValidationError`` and ``PermissionDenied``
raised by services, and ``ProtectedError`` from deleting a row still in use, get the same shape.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from whitewall.core.signals import announce_permission_denied

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


def django_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            (NON_FIELD if field == "__all__" else field): [str(m) for m in messages]
            for field, messages in exc.message_dict.items()
        }
    return {NON_FIELD: [str(m) for m in exc.messages]}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        errors = {}
        for field, value in detail.items():
            if isinstance(value, dict):
                for sub, messages in _flatten(value).items():
                    errors[f"{field}.{sub}"] = messages
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                for index, item in enumerate(value):
                    for sub, messages in _flatten(item).items():
                        errors[f"{field}.{index}.{sub}"] = messages
            else:
                errors[str(field)] = [str(m) for m in (value if isinstance(value, list) else [value])]
        return errors
    if isinstance(detail, list):
        return {NON_FIELD: [str(m) for m in detail]}
    return {NON_FIELD: [str(detail)]}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(django_errors(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, ProtectedError):
        exc = Conflict(_("This record is still in use and cannot be deleted."))
    response = drf_exception_handler(exc, context)
    request = context.get("request")
    if isinstance(exc, exceptions.PermissionDenied) and request is not None:
        # Refused through the API as through a page: announced, so the audit trail records it.
        announce_permission_denied(getattr(request, "_request", request), str(exc.detail))
    if response is None:
        return None  # an unexpected error: Django's 500 handling (logged), never details to the client
    if isinstance(exc, exceptions.ValidationError):
        data = {
            "detail": _("The data sent is not valid: see errors."),
            "code": "invalid",
            "errors": _flatten(exc.detail),
        }
    else:
        detail = getattr(exc, "detail", None)
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
        data = {
            "detail": str(detail) if detail is not None else str(exc),
            "code": codes if isinstance(codes, str) else "error",
        }
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            data["retry_after_seconds"] = int(exc.wait)
    response.data = data
    return response
