from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "whitewall.finance"
    label = "finance"
    verbose_name = _("Finance")

    def ready(self):
        # Clause checks register themselves (5.1.1–5.2.3).
        from whitewall.finance import checks, registrations  # noqa: F401

        registrations.register()
