from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegulationConfig(AppConfig):
    name = "whitewall.regulation"
    label = "regulation"
    verbose_name = _("Regulation")
