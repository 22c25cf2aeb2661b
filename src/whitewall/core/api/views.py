"""The API root, the OpenAPI schema and Swagger UI (served by our own origin, strict CSP kept)."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, routers

from whitewall.core.api.mixins import ThrottleFirstMixin
from whitewall.core.api.permissions import IsActiveStaff, IsAuthenticatedUser


class APIRootView(ThrottleFirstMixin, routers.APIRootView):
    """Lists the API's resources (to any logged-in user; each resource checks its own permission)."""

    permission_classes = [IsAuthenticatedUser]


class SchemaView(ThrottleFirstMixin, SpectacularAPIView):
    """The OpenAPI 3 schema, for staff (decisions.md: "the API schema and docs need a login")."""

    permission_classes = [IsActiveStaff]


class SwaggerDocsView(ThrottleFirstMixin, SpectacularSwaggerSplitView):
    """Swagger UI in the split form: the page loads its init script from this same URL with
    ``?script=`` (a same-origin file), so ``script-src 'self'`` suffices: no inline script, no
    nonce, no CSP relaxation. Our template drops drf-spectacular's inline ``<style>`` too."""

    permission_classes = [IsActiveStaff]
    template_name = "core/api/swagger_ui.html"
    url_name = "api-schema"

    def handle_exception(self, exc):
        # A person opening the docs page without a session is sent to log in, as in the console.
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed) and (
            self.request.GET.get("script") is None
        ):
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)
