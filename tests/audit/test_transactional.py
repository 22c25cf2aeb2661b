"""Tests that really commit: concurrent writers, and the flush that cleans up after such tests."""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.test import TransactionTestCase

from whitewall.audit.models import Action, AuditEvent
from whitewall.audit.services import batch, record, verify_chain

WRITERS = 8
EACH = 40


class ConcurrentWritersTests(TransactionTestCase):
    def test_eight_concurrent_writers_leave_one_unbroken_chain(self):
        if connection.vendor != "postgresql":
            pytest.skip(
                "needs PostgreSQL: SQLite serialises writers on its single write lock, and its in-memory "
                "test database is one connection shared by every thread"
            )
        before = AuditEvent.objects.count()
        barrier = threading.Barrier(WRITERS)
        errors = []

        def writer(number):
            try:
                barrier.wait()
                for index in range(EACH):
                    if index % 10 == 9:
                        with batch():
                            record(action=Action.OTHER, object_repr=f"w{number} b{index}a")
                            record(action=Action.OTHER, object_repr=f"w{number} b{index}b")
                    else:
                        record(action=Action.OTHER, object_repr=f"w{number} e{index}")
            except Exception as exc:  # reported below
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])
        expected = before + WRITERS * (EACH + EACH // 10)
        self.assertEqual(AuditEvent.objects.count(), expected)
        result = verify_chain(checkpoints=False)
        self.assertTrue(result.ok, result.problems)
        self.assertEqual(result.last_seq, expected)


class FlushTests(TransactionTestCase):
    """A TransactionTestCase (like the live-server browser tests) empties every table afterwards,
    the audit table included: the test-only bypass makes that possible on both databases."""

    def test_events_committed_here_are_flushed_afterwards(self):
        record(action=Action.OTHER, object_repr="committed")
        self.assertTrue(AuditEvent.objects.filter(object_repr="committed").exists())

    def test_and_the_next_test_starts_from_a_valid_chain(self):
        self.assertFalse(AuditEvent.objects.filter(object_repr="committed").exists())
        record(action=Action.OTHER)
        self.assertTrue(verify_chain(checkpoints=False).ok)


class ChainLockTests(TransactionTestCase):
    def test_a_writer_that_waited_for_the_lock_chains_onto_the_event_committed_meanwhile(self):
        """The head read after the lock sees the event its predecessor committed while it waited
        (the read's statement began before that commit: a stale snapshot would miss it)."""
        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL's advisory lock and a second connection")
        holding, release = threading.Event(), threading.Event()
        made, errors = {}, []

        def first():
            try:
                with transaction.atomic():
                    made["first"] = record(action=Action.OTHER, object_repr="first")
                    holding.set()
                    release.wait(10)
            except Exception as exc:  # reported below
                errors.append(exc)
            finally:
                connections.close_all()

        def second():
            try:
                holding.wait(10)
                made["second"] = record(action=Action.OTHER, object_repr="second")
            except Exception as exc:  # reported below
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        holding.wait(10)
        deadline = time.monotonic() + 10
        waiting = False
        while not waiting and time.monotonic() < deadline:  # the second writer waits for the lock
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
                waiting = cursor.fetchone()[0] > 0
            time.sleep(0.01)
        release.set()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])
        self.assertTrue(waiting, "the second writer never waited for the chain lock")
        self.assertEqual(made["second"].seq, made["first"].seq + 1)
        self.assertEqual(made["second"].prev_hash, made["first"].hash)
        self.assertTrue(verify_chain(checkpoints=False).ok)


class CommitModeTests(TransactionTestCase):
    """An event recorded on its own commits asynchronously and is flushed before record() returns;
    inside a business transaction nothing changes (its writes must not be visible before durable)."""

    def setUp(self):
        if connection.vendor != "postgresql":
            pytest.skip("PostgreSQL's asynchronous commit")

    def synchronous_commit(self):
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    def test_an_event_on_its_own_is_made_durable_before_record_returns(self):
        from django.test.utils import CaptureQueriesContext

        from whitewall.audit.db import HEAD_FUNCTION

        with CaptureQueriesContext(connection) as captured:
            record(action=Action.OTHER, object_repr="alone")
        sqls = [query["sql"] for query in captured.captured_queries if query["sql"] != "BEGIN"]
        self.assertIn(f"{HEAD_FUNCTION}(", sqls[0])
        self.assertIn("true)", sqls[0])
        self.assertTrue(sqls[1].startswith("INSERT INTO"))
        self.assertEqual(sqls[2], "COMMIT")  # the lock goes with the commit, before the flush
        self.assertIn("pg_logical_emit_message(true,", sqls[3])  # a synchronous commit with a WAL record
        self.assertEqual(len(sqls), 4, sqls)
        self.assertEqual(self.synchronous_commit(), "on")  # SET LOCAL: only that transaction

    def test_an_event_inside_a_transaction_keeps_its_synchronous_commit(self):
        from django.test.utils import CaptureQueriesContext

        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            record(action=Action.OTHER, object_repr="inside")
            self.assertEqual(self.synchronous_commit(), "on")
        sqls = [query["sql"] for query in captured.captured_queries]
        self.assertIn("false)", sqls[0])
        self.assertFalse(any("pg_logical_emit_message" in sql for sql in sqls), sqls)
