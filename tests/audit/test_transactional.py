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

    def captured(self, action):
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            action()
        return [query["sql"] for query in captured.captured_queries if query["sql"] != "BEGIN"]

    def test_an_event_on_its_own_is_one_statement_then_made_durable(self):
        from whitewall.audit.db import HEAD_FUNCTION

        first = record(action=Action.OTHER, object_repr="first")  # this process now knows the head
        sqls = self.captured(lambda: record(action=Action.OTHER, object_repr="alone"))
        self.assertEqual(len(sqls), 2, sqls)
        # Hashed on the head this process knew: the lock, the head check and the INSERT in one
        # statement (its own transaction, committed asynchronously: the lock goes at once) ...
        self.assertIn(f"FROM {HEAD_FUNCTION}(", sqls[0])
        self.assertIn("true)", sqls[0])
        self.assertIn("INSERT INTO", sqls[0])
        # ... then a synchronous commit with a WAL record: the flush, before record() returns.
        self.assertIn("pg_logical_emit_message(true,", sqls[1])
        self.assertEqual(self.synchronous_commit(), "on")  # SET LOCAL: only that transaction
        alone = AuditEvent.objects.get(object_repr="alone")
        self.assertEqual((alone.seq, alone.prev_hash), (first.seq + 1, first.hash))
        self.assertTrue(verify_chain(checkpoints=False).ok)

    def test_a_wrong_guess_of_the_head_inserts_nothing_then_takes_the_lock_first(self):
        from whitewall.audit import services
        from whitewall.audit.db import HEAD_FUNCTION

        record(action=Action.OTHER, object_repr="first")
        head = AuditEvent.objects.order_by("-seq").first()
        # As if another process had appended since this one last did (or its append rolled back).
        services._heads[connection.alias] = (head.seq - 1, "0" * 64)
        sqls = self.captured(lambda: record(action=Action.OTHER, object_repr="after a wrong guess"))
        self.assertIn("INSERT INTO", sqls[0])  # the guess: nothing inserted
        self.assertIn(f"SELECT head_seq, head_hash FROM {HEAD_FUNCTION}(", sqls[1])
        self.assertTrue(sqls[2].startswith("INSERT INTO"))
        self.assertEqual(sqls[3], "COMMIT")
        self.assertIn("pg_logical_emit_message(true,", sqls[4])
        self.assertEqual(len(sqls), 5, sqls)
        event = AuditEvent.objects.get(object_repr="after a wrong guess")
        self.assertEqual((event.seq, event.prev_hash), (head.seq + 1, head.hash))
        self.assertEqual(AuditEvent.objects.filter(seq__gt=head.seq).count(), 1)  # once, not twice
        self.assertEqual(services._heads[connection.alias], (event.seq, event.hash))
        self.assertTrue(verify_chain(checkpoints=False).ok)

    def test_an_event_inside_a_transaction_keeps_its_synchronous_commit(self):
        from django.test.utils import CaptureQueriesContext

        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            record(action=Action.OTHER, object_repr="inside")
            self.assertEqual(self.synchronous_commit(), "on")
        sqls = [query["sql"] for query in captured.captured_queries]
        self.assertIn("false)", sqls[0])
        self.assertFalse(any("pg_logical_emit_message" in sql for sql in sqls), sqls)


class GroupAppendTests(TransactionTestCase):
    """Events on their own from several threads at once are appended together, each thread
    returning once its own are on disk; one bad entry fails only its own thread."""

    def setUp(self):
        if connection.vendor != "postgresql":
            pytest.skip("needs a connection per thread (PostgreSQL)")

    def run_while_the_first_append_waits(self, events_of_threads, monkeypatch):
        """Thread 0 leads and is held inside its append until the others wait; answers the
        events of each append, and each thread's result or error."""
        from whitewall.audit import services

        calls, gate, results = [], threading.Event(), {}
        real = services._append_now

        def held(connection_, using, events, **kwargs):
            calls.append([event.object_repr for event in events])
            if len(calls) == 1:
                gate.wait(10)
            return real(connection_, using, events, **kwargs)

        monkeypatch.setattr(services, "_append_now", held)
        group = services._group(connection.alias)

        def writer(number, events):
            try:
                services.append(events)
                results[number] = [event.seq for event in events]
            except Exception as exc:  # checked by the test
                results[number] = exc
            finally:
                connections.close_all()

        threads = [
            threading.Thread(target=writer, args=(number, events))
            for number, events in enumerate(events_of_threads)
        ]
        threads[0].start()
        deadline = time.monotonic() + 10
        while not calls and time.monotonic() < deadline:
            time.sleep(0.005)
        for thread in threads[1:]:
            thread.start()
        while len(group._waiting) < len(threads) - 1 and time.monotonic() < deadline:
            time.sleep(0.005)
        gate.set()
        for thread in threads:
            thread.join(10)
        return calls, results

    def event(self, text, **fields):
        from whitewall.audit.services import build_event

        return build_event(action=Action.OTHER, object_repr=text, **fields)

    def test_threads_waiting_meanwhile_are_appended_together(self):
        monkeypatch = pytest.MonkeyPatch()
        self.addCleanup(monkeypatch.undo)
        events = [[self.event(f"grouped {number}")] for number in range(4)]
        calls, results = self.run_while_the_first_append_waits(events, monkeypatch)
        self.assertEqual(calls[0], ["grouped 0"])
        self.assertEqual(
            sorted(calls[1]), ["grouped 1", "grouped 2", "grouped 3"]
        )  # one append for the three
        self.assertEqual(len(calls), 2, calls)
        self.assertTrue(all(isinstance(seqs, list) and seqs[0] for seqs in results.values()), results)
        stored = dict(
            AuditEvent.objects.filter(object_repr__startswith="grouped ").values_list("object_repr", "seq")
        )
        self.assertEqual(stored, {f"grouped {n}": results[n][0] for n in range(4)})
        self.assertTrue(verify_chain(checkpoints=False).ok)

    def test_a_bad_entry_fails_only_its_own_thread(self):
        monkeypatch = pytest.MonkeyPatch()
        self.addCleanup(monkeypatch.undo)
        bad = self.event("bad")
        bad.object_type = "x" * 101  # longer than the column: the database refuses it
        bad._body = __import__("whitewall.audit.services", fromlist=["_body"])._body(bad)
        events = [[self.event("lead")], [self.event("good 1")], [bad], [self.event("good 2")]]
        calls, results = self.run_while_the_first_append_waits(events, monkeypatch)
        self.assertEqual(sorted(calls[1]), ["bad", "good 1", "good 2"])  # together first, then each
        self.assertEqual(sorted(map(sorted, calls[2:])), [["bad"], ["good 1"], ["good 2"]])
        from django.db import DataError

        self.assertIsInstance(results[2], DataError)
        for number in (0, 1, 3):
            self.assertIsInstance(results[number], list, results)
        self.assertEqual(
            set(AuditEvent.objects.values_list("object_repr", flat=True))
            & {"lead", "good 1", "good 2", "bad"},
            {"lead", "good 1", "good 2"},
        )
        self.assertTrue(verify_chain(checkpoints=False).ok)
