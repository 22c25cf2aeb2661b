from django.conf import settings

from whitewall.core.navigation import menu_for


def console(request):
    path = getattr(request, "path", "")
    context = {"WHITEWALL_ENV": settings.WHITEWALL_ENV, "csrf_cookie_name": settings.CSRF_COOKIE_NAME}
    if path.startswith("/console/") and getattr(request, "user", None) and request.user.is_authenticated:
        context["console_menu"] = menu_for(request.user)
    return context
