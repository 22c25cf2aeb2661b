"""``flush`` that respects the append-only audit trail.

Emptying the database would erase the audit trail, which the database itself refuses (triggers).
Under the test settings (``WHITEWALL_AUDIT_TEST_BYPASS``) tests that clean up after themselves
(TransactionTestCase, the live server) flush with the bypass on; anywhere else flush is refused
before anything is deleted.
"""

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as FlushCommand

from whitewall.audit.db import audit_bypass


class Command(FlushCommand):
    help = FlushCommand.help + " Refused outside the test settings: the audit trail is append-only."

    def handle(self, **options):
        if not settings.WHITEWALL_AUDIT_TEST_BYPASS:
            raise CommandError(
                "flush would erase the audit trail, which is append-only. To start afresh, create a new "
                "database (and a new data directory for its checkpoints)."
            )
        with audit_bypass(options.get("database") or "default"):
            return super().handle(**options)
