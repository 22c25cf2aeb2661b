"""Tests that really commit: concurrent writers, and the flush that cleans up after such tests."""

import threading

import pytest
from django.db import connection, connections
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
