from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _after_migrate(sender, using="default", **kwargs):
    """Keep the triggers in place (an SQLite table rebuild drops them) and note a changed policy."""
    from whitewall.audit.db import ensure_triggers
    from whitewall.audit.services import policy_sync

    ensure_triggers(using)
    policy_sync()


class AuditConfig(AppConfig):
    name = "whitewall.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from whitewall.audit import capture, checks, registrations  # noqa: F401 - checks registers
        from whitewall.audit.db import on_connection_created

        connection_created.connect(on_connection_created, dispatch_uid="whitewall.audit.sqlite_function")
        from django.db import connections

        for connection in connections.all(initialized_only=True):
            if connection.connection is not None:
                on_connection_created(sender=None, connection=connection)
        capture.connect()
        registrations.register()
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="whitewall.audit.after_migrate")
