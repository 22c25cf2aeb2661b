"""The database refuses to change the audit table: triggers per vendor, and the test-only bypass.

SQLite: ``BEFORE UPDATE`` / ``BEFORE DELETE`` triggers ``RAISE(ABORT, …)`` unless the
connection's ``whitewall_audit_bypass()`` function says otherwise. The function exists only on
connections opened by this program (registered on ``connection_created``): any other client
(the sqlite3 shell, another program) fails with "no such function", so it is refused too.

PostgreSQL: a plpgsql function raises for UPDATE, DELETE (row triggers) and TRUNCATE (statement
trigger) unless the session setting ``whitewall.audit_bypass`` is ``on``. The same statements
create ``audit_chain_lock_head(key)``, which takes the chain lock and reads the chain's head in
one round trip (``audit.services.append``).

The bypass is switched on only inside ``audit_bypass()``, which refuses to run unless
``settings.WHITEWALL_AUDIT_TEST_BYPASS`` is true, and only the test settings set that.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections

TABLE = "audit_auditevent"
MESSAGE = "audit events are append-only"
HEAD_FUNCTION = "audit_chain_lock_head"

SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE}
    WHEN NOT whitewall_audit_bypass() BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE refused'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE}
    WHEN NOT whitewall_audit_bypass() BEGIN SELECT RAISE(ABORT, '{MESSAGE}: DELETE refused'); END""",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {TABLE}_no_update", f"DROP TRIGGER IF EXISTS {TABLE}_no_delete"]

POSTGRES_CREATE = [
    f"""CREATE OR REPLACE FUNCTION {TABLE}_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('whitewall.audit_bypass', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING MESSAGE = '{MESSAGE}: ' || TG_OP || ' refused', ERRCODE = 'insufficient_privilege';
END
$$""",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_change ON {TABLE}",
    f"""CREATE TRIGGER {TABLE}_no_change BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {TABLE}_refuse()""",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
    f"""CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_refuse()""",
    # The chain lock and the head in one call. VOLATILE plpgsql runs each statement with a new
    # snapshot (READ COMMITTED), so the head read after the lock sees the predecessor that
    # committed while this transaction waited for the lock; a single SQL statement that locked
    # and read would read with the snapshot taken before the wait, and miss it. ``early`` makes
    # this transaction's commit asynchronous (SET LOCAL synchronous_commit = off: the commit
    # releases the lock without waiting for its flush to disk); see audit.services.append.
    f"""CREATE OR REPLACE FUNCTION {HEAD_FUNCTION}(
    lock_key bigint, early boolean, OUT head_seq bigint, OUT head_hash text
) LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF early THEN
        PERFORM set_config('synchronous_commit', 'off', true);
    END IF;
    PERFORM pg_advisory_xact_lock(lock_key);
    SELECT e.seq, e.hash INTO head_seq, head_hash FROM {TABLE} e ORDER BY e.seq DESC LIMIT 1;
END
$$""",  # noqa: S608 - constants only
]
POSTGRES_DROP = [
    f"DROP FUNCTION IF EXISTS {HEAD_FUNCTION}(bigint, boolean)",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_change ON {TABLE}",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_refuse()",
]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_CREATE)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_CREATE)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_DROP)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_DROP)


def trigger_operations():
    """Migration operations that (re)create the triggers; use them after any AlterField here."""
    from django.db.migrations.operations import RunPython

    return [RunPython(create_triggers, drop_triggers)]


def ensure_triggers(using: str = "default") -> None:
    """Create the triggers if they are missing (idempotent; run after every migrate)."""
    connection = connections[using]
    if TABLE not in connection.introspection.table_names():
        return
    statements = {"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def triggers_present(using: str = "default") -> set[str]:
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [TABLE]
            )
        else:
            return set()
        return {row[0] for row in cursor.fetchall()}


# --- the bypass (tests only) ---------------------------------------------------------------------
_state = threading.local()


def _bypass_active() -> int:
    return int(bool(getattr(_state, "depth", 0)) and settings.WHITEWALL_AUDIT_TEST_BYPASS)


def on_connection_created(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("whitewall_audit_bypass", 0, _bypass_active)


@contextmanager
def audit_bypass(using: str = "default"):
    """Let this thread change or empty the audit table. Test settings only."""
    if not settings.WHITEWALL_AUDIT_TEST_BYPASS:
        raise ImproperlyConfigured(
            "The audit table is append-only; only the test settings may lift that (WHITEWALL_AUDIT_TEST_BYPASS)."
        )
    connection = connections[using]
    _state.depth = getattr(_state, "depth", 0) + 1
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('whitewall.audit_bypass', 'on', false)")
        yield
    finally:
        _state.depth -= 1
        if connection.vendor == "postgresql" and not _state.depth:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('whitewall.audit_bypass', 'off', false)")
            except DatabaseError:
                pass  # the transaction failed and rolls back, taking the setting with it
