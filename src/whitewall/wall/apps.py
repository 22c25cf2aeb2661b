from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WallConfig(AppConfig):
    name = "whitewall.wall"
    label = "wall"
    verbose_name = _("The wall")

    def ready(self):
        from whitewall.wall import registrations

        registrations.register()
