"""The REST API under /api/: versioned routes, the OpenAPI schema and its documentation.

Apps register their viewsets with ``whitewall.core.api.registry.register_api`` from their
registrations module (called in ``AppConfig.ready()``, before this module is imported).
"""

from django.urls import include, path

from whitewall.core.api.registry import api_router
from whitewall.core.api.views import SchemaView, SwaggerDocsView

urlpatterns = [
    path("v1/", include((api_router().urls, "api"), namespace="api")),
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", SwaggerDocsView.as_view(url_name="api-schema"), name="api-docs"),
]
