from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from whitewall.core.views.health import healthz

# The admin logs in through the same door as everyone else (lockout, two-factor step).
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", include("whitewall.wall.urls")),
    path("console/", include("whitewall.core.urls", namespace="console")),
    path("console/system/", include("whitewall.core.urls_jobs", namespace="core")),
    path("console/accounts/", include("whitewall.accounts.urls", namespace="accounts")),
    path("console/audit/", include("whitewall.audit.urls", namespace="audit")),
    path("console/approvals/", include("whitewall.approvals.urls", namespace="approvals")),
    path("console/notifications/", include("whitewall.notifications.urls", namespace="notifications")),
    path("console/regulation/", include("whitewall.regulation.urls", namespace="regulation")),
    path("console/wall/", include("whitewall.wall.console_urls", namespace="wall")),
    path("console/projects/", include("whitewall.projects.urls", namespace="projects")),
    path("console/finance/", include("whitewall.finance.urls", namespace="finance")),
    path("api/", include("whitewall.config.api_urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]

handler400 = "whitewall.core.views.errors.bad_request"
handler403 = "whitewall.core.views.errors.permission_denied"
handler404 = "whitewall.core.views.errors.page_not_found"
handler500 = "whitewall.core.views.errors.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
