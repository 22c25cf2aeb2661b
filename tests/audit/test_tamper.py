"""Every kind of tampering is detected and the first bad event named (hypothesis picks where).

The tampering goes through raw SQL with the test-only bypass of the append-only triggers, as
someone with direct database access would (after dropping the triggers).
"""

import datetime as dt
import hmac

from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from whitewall.audit.db import TABLE, audit_bypass
from whitewall.audit.models import Action, AuditEvent
from whitewall.audit.services import (
    SEP,
    batch,
    canonical,
    compute_hash,
    record,
    verify_chain,
    write_checkpoint,
)

CHAIN = 12
FIELDS = [
    "action",
    "object_repr",
    "before",
    "after",
    "actor_username",
    "ip",
    "request_id",
    "prev_hash",
    "hash",
]
QUICK = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# What someone with database access can write into a text column: PostgreSQL stores no NUL (and
# SQLite's printf, which renders the canonical form, would stop at one), no lone surrogates.
TEXT = st.text(
    alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), min_size=1, max_size=20
)


def sql(statement, params=()):
    with audit_bypass(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def set_seq(old, new):
    sql(f"UPDATE {TABLE} SET seq = %s WHERE seq = %s", [new, old])


class TamperingTests(TestCase):
    def setUp(self):
        with batch():
            for index in range(CHAIN):
                record(
                    action=Action.UPDATE,
                    object_type="accounts.department",
                    object_id=str(index),
                    object_repr=f"department {index}",
                    before={"name": f"old {index}"},
                    after={"name": f"new {index}"},
                )
        self.seqs = list(AuditEvent.objects.order_by("-seq").values_list("seq", flat=True)[:CHAIN])[::-1]
        self.assertTrue(verify_chain().ok)

    def assert_first_bad(self, seq, kind=None, *, checkpoints=True):
        result = verify_chain(checkpoints=checkpoints)
        self.assertFalse(result.ok)
        self.assertEqual(result.first_bad_seq, seq, result.problems)
        if kind:
            self.assertEqual(result.first_problem.kind, kind, result.problems)
        # Pages of any size, read ahead or not, give the same result: with pages of 1, 2, 3 and 5
        # events the problem falls on a page boundary, inside a page, and in the first or last.
        expected = self.outcome(result)
        for page, prefetch in ((1, 0), (2, 2), (3, 0), (5, 1), (CHAIN + 5, 0)):
            again = verify_chain(checkpoints=checkpoints, page=page, prefetch=prefetch)
            self.assertEqual(self.outcome(again), expected, f"pages of {page}, {prefetch} read ahead")

    @staticmethod
    def outcome(result):
        return (
            result.ok,
            result.count,
            result.first_seq,
            result.last_seq,
            result.last_hash,
            result.bad_events,
            result.problems,
        )

    @QUICK
    @given(position=st.integers(0, CHAIN - 1), field=st.sampled_from(FIELDS), data=st.data())
    def test_a_changed_event_is_named(self, position, field, data):
        seq = self.seqs[position]
        current = AuditEvent.objects.values_list(field, flat=True).get(seq=seq)
        value = data.draw(TEXT.filter(lambda v, c=current: v != c))
        if field in ("prev_hash", "hash"):
            value = (value.encode().hex() + "0" * 64)[:64]
            if value == current:
                value = "f" * 64
        sql(f"UPDATE {TABLE} SET {field} = %s WHERE seq = %s", [value, seq])
        self.assert_first_bad(seq, "changed")

    @QUICK
    @given(position=st.integers(0, CHAIN - 1), shift=st.sampled_from([-1, 1]))
    def test_a_changed_time_or_actor_is_named(self, position, shift):
        seq = self.seqs[position]
        event = AuditEvent.objects.get(seq=seq)

        with audit_bypass():
            AuditEvent.objects.filter(seq=seq).update(
                time=event.time + dt.timedelta(seconds=shift), actor_id=(event.actor_id or 0) + shift
            )
        self.assert_first_bad(seq, "changed")

    @QUICK
    @given(position=st.integers(0, CHAIN - 2), count=st.integers(1, 3))
    def test_deleted_events_are_named(self, position, count):
        doomed = self.seqs[position : position + count]
        if doomed[-1] == self.seqs[-1]:
            doomed = doomed[:-1] or [self.seqs[position]]
        sql(f"DELETE FROM {TABLE} WHERE seq >= %s AND seq <= %s", [doomed[0], doomed[-1]])
        self.assert_first_bad(doomed[0], "missing")

    @QUICK
    @given(position=st.integers(0, CHAIN - 2))  # the last one is a cut tail (below)
    def test_a_deleted_event_with_the_rest_renumbered_is_named(self, position):
        seq = self.seqs[position]
        sql(f"DELETE FROM {TABLE} WHERE seq = %s", [seq])
        for later in self.seqs[position + 1 :]:
            set_seq(later, later - 1)
        self.assert_first_bad(seq, "changed", checkpoints=False)

    @QUICK
    @given(position=st.integers(0, CHAIN), forged_key=st.binary(min_size=16, max_size=32))
    def test_an_inserted_event_is_named(self, position, forged_key):
        last = self.seqs[-1]
        seq = self.seqs[position] if position < CHAIN else last + 1
        for later in reversed(self.seqs[position:]):
            set_seq(later, later + 1)
        prev = AuditEvent.objects.get(seq=seq - 1).hash
        time = "2025-01-01 00:00:00.000000"
        body = SEP.join([str(seq), time, "", "intruder", "", "", "", "delete", "", "", "", "", "", "", prev])
        forged = hmac.new(forged_key, body.encode(), "sha256").hexdigest()
        sql(
            f"INSERT INTO {TABLE} (seq, time, actor_username, ip, user_agent, request_id, action, object_type, "
            "object_id, object_repr, before, after, extra, prev_hash, hash) "
            "VALUES (%s, %s, 'intruder', '', '', '', 'delete', '', '', '', '', '', '', %s, %s)",
            [seq, AuditEvent.objects.get(seq=seq - 1).time, prev, forged],
        )
        self.assert_first_bad(seq, "changed")

    @QUICK
    @given(pair=st.lists(st.integers(0, CHAIN - 1), min_size=2, max_size=2, unique=True))
    def test_reordered_events_are_named(self, pair):
        first, second = sorted(self.seqs[i] for i in pair)
        set_seq(first, -1)
        set_seq(second, first)
        set_seq(-1, second)
        self.assert_first_bad(first, "changed")

    @QUICK
    @given(cut=st.integers(1, CHAIN))
    def test_a_cut_off_tail_is_named_against_the_latest_checkpoint(self, cut):
        write_checkpoint()
        kept = self.seqs[-cut - 1] if cut < CHAIN else self.seqs[0] - 1
        sql(f"DELETE FROM {TABLE} WHERE seq > %s", [kept])
        # The chain that is left is whole: only the checkpoint can tell that its tail is gone.
        self.assertTrue(verify_chain(checkpoints=False).ok)
        self.assert_first_bad(kept + 1, "tail_cut")
        self.assertIn(f"#{self.seqs[-1]}", verify_chain().first_problem.message)

    @QUICK
    @given(position=st.integers(0, CHAIN - 1))
    def test_an_event_with_a_valid_hash_that_does_not_link_is_named(self, position):
        """With the key (or an event copied from another chain), an event can match its own hash
        and still not follow its predecessor: the links are checked too."""
        seq = self.seqs[position]
        event = AuditEvent.objects.get(seq=seq)
        event.prev_hash = "f" * 64
        event.hash = compute_hash(canonical(event))
        sql(
            f"UPDATE {TABLE} SET prev_hash = %s, hash = %s WHERE seq = %s", [event.prev_hash, event.hash, seq]
        )
        self.assert_first_bad(seq, "broken_link")

    @QUICK
    @given(text=TEXT)
    def test_a_rewritten_head_is_named_against_the_checkpoint(self, text):
        """The head rewritten with the key keeps a whole chain: only the checkpoint tells."""
        write_checkpoint()
        seq = self.seqs[-1]
        event = AuditEvent.objects.get(seq=seq)
        event.object_repr = f"{event.object_repr} {text}"
        event.hash = compute_hash(canonical(event))
        sql(
            f"UPDATE {TABLE} SET object_repr = %s, hash = %s WHERE seq = %s",
            [event.object_repr, event.hash, seq],
        )
        self.assertTrue(verify_chain(checkpoints=False).ok)
        self.assert_first_bad(seq, "checkpoint")
