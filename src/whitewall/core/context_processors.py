from django.conf import settings

from whitewall.core.navigation import menu_for


def console(request):
    path = getattr(request, "path", "")
    context = {"WHITEWALL_ENV": settings.WHITEWALL_ENV, "csrf_cookie_name": settings.CSRF_COOKIE_NAME}
    if path.startswith("/console/") and getattr(request, "user", None) and request.user.is_authenticated:
        menu = context["console_menu"] = menu_for(request.user)
        # One item is the current page's: the one whose address is the longest start of the path
        # (/console/approvals/requests/ is "all approvals", not also "my approvals" at /console/approvals/).
        context["console_menu_active"] = max(
            (item.url for group in menu for item in group["items"] if path.startswith(item.url)),
            key=len,
            default="",
        )
    return context
