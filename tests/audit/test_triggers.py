"""The database itself refuses to change the audit table, on SQLite and on PostgreSQL."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from whitewall.audit.db import TABLE, audit_bypass, ensure_triggers, triggers_present
from whitewall.audit.models import AuditEvent
from whitewall.audit.services import record, verify_chain

pytestmark = pytest.mark.django_db


def _execute(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _refused(sql, params=()):
    with pytest.raises(DatabaseError) as caught:
        _execute(sql, params)
    return str(caught.value)


@pytest.fixture
def event():
    return record(action="other", object_repr="original")


def test_triggers_exist_after_migrate():
    expected = (
        {f"{TABLE}_no_update", f"{TABLE}_no_delete"}
        if connection.vendor == "sqlite"
        else {f"{TABLE}_no_change", f"{TABLE}_no_truncate"}
    )
    assert expected <= triggers_present()


def test_update_is_refused_after_migrate(event):
    message = _refused(f"UPDATE {TABLE} SET object_repr = %s WHERE seq = %s", ["forged", event.seq])
    assert "append-only" in message
    assert AuditEvent.objects.get(seq=event.seq).object_repr == "original"


def test_delete_is_refused_after_migrate(event):
    assert "append-only" in _refused(f"DELETE FROM {TABLE} WHERE seq = %s", [event.seq])
    assert AuditEvent.objects.filter(seq=event.seq).exists()


def test_delete_of_everything_is_refused(event):
    _refused(f"DELETE FROM {TABLE}")
    assert AuditEvent.objects.count() >= 1


def test_truncate_is_refused_on_postgresql(event):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is a PostgreSQL statement; SQLite empties tables with DELETE (tested above)")
    assert "append-only" in _refused(f"TRUNCATE {TABLE}")


def test_the_orm_cannot_change_or_delete_events_either(event):
    event.object_repr = "forged"
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=event.seq).update(object_repr="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=event.seq).delete()
    assert verify_chain(checkpoints=False).ok


def test_triggers_come_back_after_a_table_rebuild_dropped_them(event):
    """An SQLite table rebuild (a later AlterField) drops triggers; post-migrate puts them back."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER {TABLE}_no_update")
            cursor.execute(f"DROP TRIGGER {TABLE}_no_delete")
        else:
            cursor.execute(f"DROP TRIGGER {TABLE}_no_change ON {TABLE}")
    ensure_triggers()
    _refused(f"UPDATE {TABLE} SET object_repr = 'forged' WHERE seq = %s", [event.seq])
    _refused(f"DELETE FROM {TABLE} WHERE seq = %s", [event.seq])


def test_the_bypass_lets_only_tests_change_the_table(event, settings):
    with audit_bypass():
        _execute(f"UPDATE {TABLE} SET object_repr = 'changed' WHERE seq = %s", [event.seq])
    assert AuditEvent.objects.get(seq=event.seq).object_repr == "changed"
    # Outside the block the triggers refuse again.
    _refused(f"DELETE FROM {TABLE} WHERE seq = %s", [event.seq])
    settings.WHITEWALL_AUDIT_TEST_BYPASS = False
    with pytest.raises(ImproperlyConfigured), audit_bypass():
        pass


def test_a_client_without_our_function_is_refused_on_sqlite(event):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: the bypass function exists only on this program's connections")
    raw = connection.connection
    raw.create_function("whitewall_audit_bypass", 0, None)  # what another program's connection sees
    try:
        with pytest.raises(Exception, match="no such function|user-defined function raised"):
            raw.execute(f"DELETE FROM {TABLE} WHERE seq = ?", [event.seq])
    finally:
        from whitewall.audit.db import on_connection_created

        on_connection_created(sender=None, connection=connection)


def test_flush_is_refused_outside_the_test_settings(settings):
    settings.WHITEWALL_AUDIT_TEST_BYPASS = False
    with pytest.raises(CommandError, match="append-only"):
        call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.exists()
