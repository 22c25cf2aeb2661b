"""Behaviour every Whitewall API view shares."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.views import APIView


class ThrottleFirstMixin:
    """Rate limits count every call, refused ones too.

    DRF checks throttles last, after authentication and permissions, so a failed token attempt
    or an anonymous call refused with 401 would never count. Here the limit is checked as soon
    as the caller is known (or known to have failed): a bad token counts against the anonymous
    rate of its address, and a refused call against its caller's rate.
    """

    def initial(self, request, *args, **kwargs):
        self._rate_counted = False
        try:
            request.user  # noqa: B018 - authenticate now
        except exceptions.AuthenticationFailed:
            self._count_rate(request)
            raise
        return super().initial(request, *args, **kwargs)

    def check_permissions(self, request):
        self._count_rate(request)
        return super().check_permissions(request)

    def check_throttles(self, request):
        self._count_rate(request)

    def _count_rate(self, request):
        if not getattr(self, "_rate_counted", False):
            self._rate_counted = True
            APIView.check_throttles(self, request)
