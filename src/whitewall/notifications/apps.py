from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "whitewall.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from whitewall.notifications import registrations

        registrations.register()
