from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "whitewall.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from whitewall.core import registrations

        registrations.register()
