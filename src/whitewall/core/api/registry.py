"""The API route registry: apps call ``register_api`` from their registrations module.

config/api_urls.py mounts ``api_router().urls`` under /api/v1/.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ApiRoute:
    prefix: str
    viewset: type
    basename: str | None = None


_routes: list[ApiRoute] = []


def register_api(prefix: str, viewset: type, basename: str | None = None) -> None:
    """``register_api("accounts/departments", DepartmentViewSet)`` -> /api/v1/accounts/departments/."""
    if any(route.prefix == prefix for route in _routes):
        raise ValueError(f"API prefix {prefix!r} is registered twice")
    model = getattr(viewset, "model", None)
    if basename is None and model is not None:
        basename = f"{model._meta.app_label}-{model._meta.model_name}"
    _routes.append(ApiRoute(prefix, viewset, basename))


def registered_routes() -> list[ApiRoute]:
    return list(_routes)


def api_router():
    from rest_framework.routers import DefaultRouter

    from whitewall.core.api.views import APIRootView as RootView

    class Router(DefaultRouter):
        APIRootView = RootView
        include_format_suffixes = False

    router = Router()
    for route in sorted(_routes, key=lambda r: r.prefix):
        router.register(route.prefix, route.viewset, basename=route.basename)
    return router
