"""The REST API under /api/: versioned routes, the OpenAPI schema and its documentation."""

urlpatterns: list = []
