"""PostgreSQL: ``audit_chain_lock_head(key)``, the chain lock and the head read in one round trip.

``create_triggers`` runs every statement of ``audit.db`` again (idempotent): on an existing
database it adds the function; the triggers are re-created as they were.
"""

from django.db import migrations

import whitewall.audit.db


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(whitewall.audit.db.create_triggers, migrations.RunPython.noop),
    ]
