from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_clauses(sender, **kwargs):
    """After migrate (and after a test flush), bring the clauses in line with the catalogue."""
    from whitewall.regulation.services import clause_sync

    clause_sync()


class RegulationConfig(AppConfig):
    name = "whitewall.regulation"
    label = "regulation"
    verbose_name = _("Regulation")

    def ready(self):
        from whitewall.regulation import (
            checks_builtin,  # noqa: F401  (clause checks 1.1 and 1.3.2)
            registrations,
        )

        registrations.register()
        post_migrate.connect(_sync_clauses, sender=self, dispatch_uid="whitewall.regulation.clauses")
