from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "whitewall.projects"
    label = "projects"
    verbose_name = _("Projects")

    def ready(self):
        from whitewall.projects import registrations

        registrations.register()
