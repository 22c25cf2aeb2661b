"""Error pages that look like the rest of the product (and never leak details)."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from whitewall.core import signals


def _page(request, status: int, title: str, message: str):
    return render(
        request, "core/error.html", {"status": status, "title": title, "message": message}, status=status
    )


def bad_request(request, exception=None):
    return _page(request, 400, _("Bad request"), _("The request could not be understood."))


def permission_denied(request, exception=None):
    message = (
        str(exception) if exception and str(exception) else _("You do not have permission to open this page.")
    )
    signals.announce_permission_denied(request, str(exception or ""))  # the audit trail records it
    return _page(request, 403, _("Permission denied"), message)


def page_not_found(request, exception=None):
    return _page(request, 404, _("Page not found"), _("The page does not exist, or you may not see it."))


def server_error(request):
    # No request context: a broken context processor must not break the error page too.
    return HttpResponseServerError(loader.get_template("core/error_500.html").render({}))


def csrf_failure(request, reason=""):
    return _page(
        request,
        403,
        _("Form expired"),
        _("The form was open too long or cookies are blocked. Reload the page and try again."),
    )
