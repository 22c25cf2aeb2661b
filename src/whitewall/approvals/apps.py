from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "whitewall.approvals"
    label = "approvals"
    verbose_name = _("Approvals")

    def ready(self):
        from whitewall.approvals import checks, registrations  # noqa: F401 - checks register themselves

        registrations.register()
