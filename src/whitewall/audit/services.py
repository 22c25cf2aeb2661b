"""The audit trail's services: record events, append them to the chain, verify it, checkpoint it.

``record()`` is the one door for writing an event. Creates, updates and deletes of audited
models, logins, lockouts, MFA changes, denials, exports and reveals are recorded automatically
(``audit.capture``); services call ``record()`` themselves only for operations that are not a
plain write of one object (an approval decision, a release of a lockout, …).

The chain: event *n* stores ``prev_hash`` (the hash of event *n-1*, or 64 zeros for the first)
and ``hash = HMAC-SHA256(WHITEWALL_AUDIT_KEY, canonical(event n))``, where the canonical form
joins every stored field, ``prev_hash`` included, with the unit separator U+001F (which no field
may contain: it is stripped from text, and JSON escapes it). Sequence numbers are assigned
under the chain lock (a transaction-scoped advisory lock on PostgreSQL; the write lock of an
IMMEDIATE transaction on SQLite), taken as late as possible: everything else about the event is
serialised before it.
"""

from __future__ import annotations

import binascii
import datetime as dt
import hashlib
import hmac
import json
import os
import threading
import time as _time
import uuid
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from queue import Full, Queue
from typing import Any

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop

from whitewall.audit.context import context_for_request, current
from whitewall.audit.db import HEAD_FUNCTION
from whitewall.audit.models import ANOMALY_ACTIONS, GENESIS_HASH, Action, AnomalyReview, AuditEvent
from whitewall.config.policy import get_policy

SEP = "\x1f"
MASK = "******"
MAX_TEXT = 2000  # longer strings in before/after are cut, with their length noted
LOCK_KEY = 0x57574155  # "WWAU": the PostgreSQL advisory lock of the chain
TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"  # UTC, microseconds: the canonical form of an event's time
_CONTROL = dict.fromkeys((*range(0, 9), 11, 12, *range(14, 32), 127), " ")

_batch: ContextVar[list | None] = ContextVar("whitewall_audit_batch", default=None)


# --- serialisation -----------------------------------------------------------------------------
def _key() -> bytes:
    return settings.WHITEWALL_AUDIT_KEY.encode("utf-8")


def clean_text(value: Any, limit: int) -> str:
    """One line of text without control characters (so never the separator), cut to ``limit``."""
    if value is None:
        return ""
    return str(value).translate(_CONTROL)[:limit]


def _json_default(value: Any):
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID | Promise):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if isinstance(value, bytes | memoryview):
        return f"<{len(value)} bytes>"
    if isinstance(value, Model):
        return value.pk
    return str(value)


def to_json(value: Any) -> str:
    """The canonical JSON text of a value ('' for None): sorted keys, compact, UTF-8."""
    if value is None:
        return ""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default)


@lru_cache(maxsize=4096)
def _is_masked(name: str, masked: tuple[str, ...]) -> bool:
    wrapped = f"_{name.lower()}_"
    return any(f"_{item.lower()}_" in wrapped for item in masked)


def is_masked(name: str, masked: Iterable[str] | None = None) -> bool:
    """``national_id``, ``api_token``, ``password`` … (whole ``_``-separated parts of the name).

    Field names repeat endlessly, so the answer is remembered per name and masked list."""
    masked = get_policy().audit.masked_fields if masked is None else masked
    return _is_masked(name, tuple(masked))


def mask(data: Any, masked: Iterable[str] | None = None) -> Any:
    """A copy of ``data`` with the values of sensitive keys replaced by ``******``."""
    masked = tuple(get_policy().audit.masked_fields if masked is None else masked)
    return _mask(data, masked)


def _mask(data: Any, masked: tuple[str, ...]) -> Any:
    if isinstance(data, dict):
        return {
            key: (MASK if value not in (None, "", [], {}) else value)
            if _is_masked(str(key), masked)
            else _mask(value, masked)
            for key, value in data.items()
        }
    if isinstance(data, list | tuple):
        return [_mask(item, masked) for item in data]
    if isinstance(data, str) and len(data) > MAX_TEXT:
        return data[:MAX_TEXT] + f"… ({len(data)} characters)"
    return data


def canonical(event: AuditEvent) -> str:
    return SEP.join((str(event.seq), _body(event), event.prev_hash))


def _time_text(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime(TIME_FORMAT)


def _body(event: AuditEvent) -> str:
    """Every hashed field except the sequence number and the previous hash (known before the lock)."""
    return SEP.join(
        (
            _time_text(event.time),
            "" if event.actor_id is None else str(event.actor_id),
            event.actor_username,
            event.ip,
            event.user_agent,
            event.request_id,
            event.action,
            event.object_type,
            event.object_id,
            event.object_repr,
            event.before,
            event.after,
            event.extra,
        )
    )


def compute_hash(canonical_text: str, key: bytes | None = None) -> str:
    return hmac.digest(key or _key(), canonical_text.encode("utf-8"), "sha256").hex()


_IPAD = bytes(value ^ 0x36 for value in range(256))
_OPAD = bytes(value ^ 0x5C for value in range(256))


class Mac:
    """HMAC-SHA256 with the key's inner and outer pads hashed once (RFC 2104), for verifying many
    events: twice as fast as ``hmac.digest`` per message, and the same result."""

    def __init__(self, key: bytes):
        block = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
        self._inner = hashlib.sha256(block.translate(_IPAD))
        self._outer = hashlib.sha256(block.translate(_OPAD))

    def hexdigest(self, message: bytes) -> str:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()

    def joined_hexdigest(self, messages: Iterable[bytes]) -> bytes:
        """The hex digests of the messages, joined, as ASCII bytes: one conversion for them all.

        Measured against ``hexdigest`` per message, then joining: no ``str`` per message, and the
        loop with the methods looked up once (5% faster than mapping the hash methods over the
        messages in C); ``hmac.digest`` per message (OpenSSL's one-shot HMAC, which sets up the
        key every time) is twice as slow. On 392-byte messages the MAC costs 1.6 times a plain
        SHA-256.
        """
        inner_copy, outer_copy = self._inner.copy, self._outer.copy
        digests = []
        append = digests.append
        for message in messages:
            inner = inner_copy()
            inner.update(message)
            outer = outer_copy()
            outer.update(inner.digest())
            append(outer.digest())
        return binascii.hexlify(b"".join(digests))


# --- recording ---------------------------------------------------------------------------------
def object_type_of(obj: Model | type[Model]) -> str:
    return obj._meta.concrete_model._meta.label_lower


def _actor_of(actor, context):
    if actor is None and context is not None:
        actor = context.actor
        if actor is None and context.request is not None:
            actor = getattr(context.request, "user", None)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return actor


def build_event(
    *,
    action: str,
    actor=None,
    obj: Model | None = None,
    before: Any = None,
    after: Any = None,
    request=None,
    extra: dict | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    object_repr: str | None = None,
    time: dt.datetime | None = None,
) -> AuditEvent:
    """An unsaved event with every field but ``seq``, ``prev_hash`` and ``hash``."""
    context = context_for_request(request) if request is not None else current()
    actor = _actor_of(actor, context)
    if obj is not None:
        object_type = object_type or object_type_of(obj)
        object_id = object_id if object_id is not None else obj.pk
        if object_repr is None:
            try:
                object_repr = str(obj)
            except Exception:  # a broken __str__ must not lose the event
                object_repr = f"{object_type} {object_id}"
    masked = tuple(get_policy().audit.masked_fields)
    # Positional arguments in the field order (seq, time, …, prev_hash, hash): Django's fast path.
    event = AuditEvent(
        None,
        time or timezone.now(),
        actor.pk if actor is not None else None,
        clean_text(actor.get_username() if actor is not None else "", 150),
        clean_text(context.ip if context else "", 45),
        clean_text(context.user_agent if context else "", 300),
        clean_text(context.request_id if context else "", 64),
        clean_text(action, 40),
        clean_text(object_type or "", 100),
        clean_text("" if object_id is None else object_id, 64),
        clean_text(object_repr or "", 200),
        to_json(_mask(before, masked)) if before is not None else "",
        to_json(_mask(after, masked)) if after is not None else "",
        to_json(_mask(extra, masked)) if extra else "",
        "",
        "",
    )
    event._body = _body(event)
    return event


def record(
    *,
    action: str,
    actor=None,
    obj: Model | None = None,
    before: Any = None,
    after: Any = None,
    request=None,
    extra: dict | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    object_repr: str | None = None,
) -> AuditEvent:
    """Record one audit event; it joins the chain now (or at the end of the enclosing ``batch()``).

    ``actor`` defaults to the acting user of the current request or ``acting_as()`` block;
    ``obj`` fills the object type, id and text. Sensitive keys of ``before``, ``after`` and
    ``extra`` are masked (policy ``audit.masked_fields``).
    """
    event = build_event(
        action=action,
        actor=actor,
        obj=obj,
        before=before,
        after=after,
        request=request,
        extra=extra,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
    )
    pending = _batch.get()
    if pending is not None:
        pending.append(event)
    else:
        append([event])
    return event


_COLUMNS = (
    "seq",
    "time",
    "actor_id",
    "actor_username",
    "ip",
    "user_agent",
    "request_id",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "extra",
    "prev_hash",
    "hash",
)


def _sql(connection, early: bool = False) -> tuple[str, str]:
    """The head query and the one-row INSERT, built from constants only (never from input).

    PostgreSQL: the head query is ``audit_chain_lock_head(key, early)`` (``audit.db``), which
    takes the chain's transaction-scoped advisory lock and then reads the head, in one round trip.
    SQLite: the transaction began IMMEDIATE (settings), so this connection holds the write lock
    and a plain read of the head is enough.
    """
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in _COLUMNS)
    placeholders = ", ".join(["%s"] * len(_COLUMNS))
    if connection.vendor == "postgresql":
        flag = "true" if early else "false"
        head = f"SELECT head_seq, head_hash FROM {HEAD_FUNCTION}({LOCK_KEY}, {flag})"  # noqa: S608
    else:
        head = f'SELECT "seq", "hash" FROM {table} ORDER BY "seq" DESC LIMIT 1'  # noqa: S608
    insert = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    return head, insert


EXPECTING_MAX = 500  # events on their own hashed on the guessed head at most (more: lock first)
_expecting: dict[str, str] = {}


def _expecting_sql(connection) -> str:
    """PostgreSQL, events on their own: one statement that takes the chain lock, reads the head,
    and inserts the events only if the head is the one they were hashed on; it answers the head
    it read and how many it inserted (all or none), and commits asynchronously.

    Built from constants only. The events come as one JSON array of rows (one parameter, so the
    statement's text and its parsing are the same for any number of events; measured against a
    ``VALUES`` list and against one array per column: the driver's cost stays that of one event).
    ``audit_chain_lock_head`` reads the head after the lock with a snapshot of its own (a plpgsql
    statement), so it is the committed head even when the lock had to be waited for; the INSERT
    depends on no snapshot (the primary key refuses a number already taken).
    """
    sql = _expecting.get(connection.alias)
    if sql is None:
        quote = connection.ops.quote_name
        fields = [AuditEvent._meta.get_field(name) for name in _COLUMNS]
        columns = ", ".join(quote(model_field.column) for model_field in fields)
        # Text stays text, never cast to varchar(n), which would cut a longer value instead of
        # refusing it (the hash covers the whole value): the INSERT's assignment refuses it.
        text = ("CharField", "TextField")
        values = ", ".join(
            f"(row->>{index})::"
            + ("text" if model_field.get_internal_type() in text else model_field.db_type(connection))
            for index, model_field in enumerate(fields)
        )
        sql = _expecting[connection.alias] = (
            "WITH head AS MATERIALIZED (SELECT coalesce(head_seq, 0) AS seq, "  # noqa: S608 - constants
            f"coalesce(head_hash, '{GENESIS_HASH}') AS hash FROM {HEAD_FUNCTION}({LOCK_KEY}, true)), "
            f"fresh AS (INSERT INTO {quote(AuditEvent._meta.db_table)} ({columns}) "
            f"SELECT {values} FROM jsonb_array_elements(%s::jsonb) AS row "
            "WHERE EXISTS (SELECT 1 FROM head WHERE head.seq = %s AND head.hash = %s) RETURNING 1) "
            "SELECT head.seq, head.hash, (SELECT count(*) FROM fresh) FROM head"
        )
    return sql


# The head of the chain that each database last showed this process. Events on their own are
# hashed on it before any lock is taken (``_expecting_sql``); a wrong guess (another process
# appended meanwhile) costs one statement, then the lock is taken first. Never a wrong link.
_heads: dict[str, tuple[int, str]] = {}


def _chain(events: list[AuditEvent], rows: list[list], head: tuple[int, str], key: bytes) -> list[list]:
    """Number and hash ``events`` onto ``head``: the rows of the INSERT."""
    seq, prev = head
    params = []
    for event, row in zip(events, rows, strict=True):
        seq += 1
        event.seq = seq
        event.prev_hash = prev
        event.hash = prev = hmac.digest(key, f"{seq}{SEP}{event._body}{SEP}{prev}".encode(), "sha256").hex()
        params.append([seq, *row, event.prev_hash, event.hash])
    return params


def _make_durable(connection) -> None:
    """Return once everything committed so far is on disk (PostgreSQL, outside a transaction).

    A transaction that writes to the write-ahead log and commits synchronously flushes the log up
    to its own commit record, so up to every commit before it; writers doing this at the same
    time share one flush (PostgreSQL's group commit). ``pg_logical_emit_message(true, …)`` writes
    such a record (a few bytes, no table, any user may call it); a transaction that only takes a
    transaction id (``pg_current_xact_id()``) writes none, and PostgreSQL commits it without
    waiting for the disk (measured: as fast as ``SELECT 1``, so it made nothing durable).
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_logical_emit_message(true, 'whitewall.audit', '')")


def append(events: list[AuditEvent], using: str | None = None) -> list[AuditEvent]:
    """Give ``events`` the next sequence numbers and hashes and insert them, under the chain lock.

    Lean on purpose (it runs for every audited write): no savepoint (a failed insert fails the
    enclosing transaction, as it must), no model machinery. Everything about the events is
    serialised before the lock is taken.

    Inside a transaction (an audited write): the head read (on PostgreSQL it takes the chain lock
    too) and the INSERT, hashed between the two. The lock is held until the commit, so that the
    next writer reads a committed head; the commit stays synchronous (that transaction's other
    writes must not become visible before they are durable).

    On its own (an event recorded outside any transaction: logins, failed logins, denials,
    exports), ``append`` runs its own transaction, and several threads of this process recording
    at once are appended together in one (``_Group``). On PostgreSQL that transaction is one
    statement: the events are hashed on the head this process last saw, and the statement takes
    the lock, checks that head and inserts (``_expecting_sql``); if another process appended
    meanwhile, nothing is inserted and the head read and INSERT follow under the lock. No round
    trip to this process happens while an event on its own holds the lock. It commits
    asynchronously, which releases the lock as soon as the commit is visible, and then
    ``_make_durable`` waits for the flush, which concurrent writers share; ``append`` returns only
    once the events are on disk. An event is visible to other writers (and chained onto) a
    moment before it is durable; a crash in that moment loses it together with every event
    chained onto it (their commit records come later in the log, which is replayed in order), and
    none of their writers has been told they succeeded.
    """
    if not events:
        return events
    using = using or router.db_for_write(AuditEvent)
    connection = connections[using]
    if not connection.in_atomic_block and connection.get_autocommit():
        _group(using).append(events)
    else:
        _append_now(connection, using, events, on_its_own=False)
    return events


def _append_now(connection, using: str, events: list[AuditEvent], *, on_its_own: bool) -> bool:
    """Chain and insert ``events`` on ``connection`` (see ``append``); ``on_its_own``: no
    transaction was open, this one is append's own.

    Answers whether that transaction committed asynchronously: then the caller must still wait for
    the disk (``_make_durable``) before anyone is told the events were recorded."""
    key = _key()
    rows = []
    for event in events:
        if not hasattr(event, "_body"):
            event._body = _body(event)
        rows.append(
            [
                event.time,
                event.actor_id,
                event.actor_username,
                event.ip,
                event.user_agent,
                event.request_id,
                event.action,
                event.object_type,
                event.object_id,
                event.object_repr,
                event.before,
                event.after,
                event.extra,
            ]
        )
    postgresql = connection.vendor == "postgresql"
    early = postgresql and on_its_own
    time_field = AuditEvent._meta.get_field("time")
    for row in rows:
        row[0] = time_field.get_db_prep_save(row[0], connection)
    if early and len(events) <= EXPECTING_MAX:
        guess = _heads.get(using, (0, GENESIS_HASH))
        params = _chain(events, rows, guess, key)
        with connection.cursor() as cursor:
            for row in params:
                row[1] = row[1].isoformat()  # the time, aware: what timestamptz reads back exactly
            rows_json = json.dumps(params, ensure_ascii=False, separators=(",", ":"))
            cursor.execute(_expecting_sql(connection), [rows_json, *guess])
            *_head, inserted = cursor.fetchone()
    else:
        inserted = False
    if not inserted:
        head_sql, insert_sql = _sql(connection, early)
        with transaction.atomic(using=using, savepoint=False), connection.cursor() as cursor:
            cursor.execute(head_sql)
            head = cursor.fetchone()
            params = _chain(events, rows, head if head and head[0] is not None else (0, GENESIS_HASH), key)
            if len(params) == 1:
                cursor.execute(insert_sql, params[0])
            else:
                cursor.executemany(insert_sql, params)
    if postgresql:
        _heads[using] = (events[-1].seq, events[-1].hash)
    for event in events:
        event._state.adding = False
        event._state.db = using
    return early


@dataclass(eq=False)
class _Entry:
    events: list[AuditEvent]
    taken: bool = False  # by a leader, who marks it done once its events are on disk
    done: bool = False
    error: BaseException | None = None


class _Group:
    """Events on their own from the threads of one process, appended together (group commit).

    A thread that finds nobody appending leads: it takes every entry waiting (its own included)
    and appends them in one transaction on its own connection. As soon as that transaction has
    committed (asynchronously on PostgreSQL, which releases the chain lock), the next thread
    waiting may lead the entries that came meanwhile, while this one waits for the disk; then it
    wakes its members. A thread that finds an append under way waits; when it ends, its events
    were in it, or it leads the next one. Should a group's append fail, each entry is appended
    again on its own, so that one entry's error is only its own.
    """

    def __init__(self, using: str):
        self.using = using
        self._changed = threading.Condition()
        self._waiting: list[_Entry] = []
        self._busy = False

    def append(self, events: list[AuditEvent]) -> None:
        entry = _Entry(events)
        with self._changed:
            self._waiting.append(entry)
            while not entry.done and (entry.taken or self._busy):
                self._changed.wait()
            lead = not entry.done
            if lead:
                self._busy = True
                members, self._waiting = self._waiting, []
                for member in members:
                    member.taken = True
        if lead:
            released = False

            def release():
                nonlocal released
                with self._changed:
                    self._busy, released = False, True
                    self._changed.notify_all()

            try:
                self._append(members, release)
            finally:
                with self._changed:
                    for member in members:
                        member.done = True
                    if not released:
                        self._busy = False
                    self._changed.notify_all()
        if entry.error is not None:
            raise entry.error

    def _append(self, members: list[_Entry], release) -> None:
        connection = connections[self.using]
        try:
            durable = _append_now(
                connection, self.using, [e for m in members for e in m.events], on_its_own=True
            )
        except Exception as exc:
            if len(members) == 1:
                members[0].error = exc
                return
        except BaseException as exc:  # interrupted: nobody's events were appended
            for member in members:
                member.error = exc
            raise
        else:
            release()
            if durable:
                _make_durable(connection)
            return
        for member in members:
            try:
                if _append_now(connection, self.using, member.events, on_its_own=True):
                    _make_durable(connection)
            except Exception as exc:  # noqa: BLE001 - raised in the member's own thread
                member.error = exc


_groups: dict[str, _Group] = {}
_groups_lock = threading.Lock()


def _group(using: str) -> _Group:
    group = _groups.get(using)
    if group is None:
        with _groups_lock:
            group = _groups.setdefault(using, _Group(using))
    return group


# A forked child (a web worker) starts with no appends under way, whatever its parent was doing.
os.register_at_fork(after_in_child=_groups.clear)


@contextmanager
def batch():
    """Record many events at once: those recorded inside join the chain together at the end.

    The block runs in one transaction with the writes it describes, and the chain lock is taken
    only at its end, for one bulk insert. Nested blocks join the outermost one.
    """
    if _batch.get() is not None:
        yield _batch.get()
        return
    events: list[AuditEvent] = []
    token = _batch.set(events)
    try:
        with transaction.atomic():
            yield events
            _batch.reset(token)
            token = None
            append(events)
    finally:
        if token is not None:
            _batch.reset(token)


# --- verification ------------------------------------------------------------------------------
# What each kind of problem means, as the console says it after "broken at event #N:".
PROBLEM_KINDS = {
    "changed": gettext_noop("changed, or inserted"),
    "missing": gettext_noop("deleted"),
    "broken_link": gettext_noop("out of order"),
    "tail_cut": gettext_noop("events after it were cut off"),
    "checkpoint": gettext_noop("differs from a signed checkpoint"),
}


def problem_label(kind: str) -> str:
    return gettext(PROBLEM_KINDS[kind]) if kind in PROBLEM_KINDS else kind


@dataclass(frozen=True)
class Problem:
    seq: int
    kind: str  # changed | missing | broken_link | tail_cut | checkpoint
    message: str


@dataclass
class Checkpoint:
    seq: int
    hash: str
    count: int
    time: str
    signature: str
    line: int = 0
    valid: bool = True

    @property
    def moment(self) -> dt.datetime | None:
        try:
            return dt.datetime.fromisoformat(self.time)
        except ValueError:
            return None


@dataclass
class VerifyResult:
    ok: bool
    count: int = 0
    first_seq: int | None = None
    last_seq: int = 0
    last_hash: str = GENESIS_HASH
    problems: list[Problem] = field(default_factory=list)
    bad_events: int = 0
    checkpoint: Checkpoint | None = None
    checkpoints_checked: int = 0
    seconds: float = 0.0

    @property
    def first_bad_seq(self) -> int | None:
        return min((p.seq for p in self.problems), default=None)

    @property
    def first_problem(self) -> Problem | None:
        return min(self.problems, key=lambda p: p.seq, default=None)

    def as_dict(self) -> dict:
        """The result as JSON data (``whitewall audit verify --json``, the verify job, the API)."""
        return {
            "ok": self.ok,
            "events": self.count,
            "last_seq": self.last_seq,
            "last_hash": self.last_hash,
            "first_bad_seq": self.first_bad_seq,
            "problems": [{"seq": p.seq, "kind": p.kind, "message": p.message} for p in self.problems],
            "checkpoint": None
            if self.checkpoint is None
            else {"seq": self.checkpoint.seq, "time": self.checkpoint.time},
            "seconds": round(self.seconds, 3),
            "summary": self.summary(),
            "summary_message": self.summary_message(),
        }

    def summary_message(self) -> dict:
        """The summary as a message translated when it is shown (``core``'s ``result_summary``):
        ``msgid``, ``params`` and ``translate`` (the params that are messages too)."""
        if self.ok:
            params = {"events": self.count, "last": self.last_seq}
            if self.checkpoint is None:
                return {
                    "msgid": gettext_noop(
                        "Audit chain intact: %(events)s events, #1..#%(last)s; no checkpoint yet."
                    ),
                    "params": params,
                }
            params.update(checkpoint=self.checkpoint.seq, time=self.checkpoint.time)
            return {
                "msgid": gettext_noop(
                    "Audit chain intact: %(events)s events, #1..#%(last)s; latest checkpoint at "
                    "#%(checkpoint)s (%(time)s)."
                ),
                "params": params,
            }
        problem = self.first_problem
        return {
            "msgid": gettext_noop(
                "Audit chain BROKEN at event #%(seq)s: %(problem)s (%(count)s problems in all)."
            ),
            "params": {
                "seq": problem.seq,
                "problem": PROBLEM_KINDS[problem.kind],
                "count": len(self.problems),
            },
            "translate": ["problem"],
        }

    def summary(self) -> str:
        """In English, each problem in its own words (the command line, the job's log)."""
        if self.ok:
            tail = (
                f"; latest checkpoint at #{self.checkpoint.seq} ({self.checkpoint.time})"
                if self.checkpoint
                else "; no checkpoint yet"
            )
            return f"audit chain intact: {self.count} events, #1..#{self.last_seq}{tail}"
        problem = self.first_problem
        return (
            f"audit chain BROKEN at event #{problem.seq}: {problem.message} ({len(self.problems)} problem(s))"
        )


PAGE = 2000  # events per page read from the database while verifying
# Pages a background thread may read ahead of the hashing (0: no thread), per database. The
# database renders and joins the next page while Python hashes this one: PostgreSQL in its own
# process, SQLite in a single step that runs without the GIL (a page is one row).
PREFETCH = {"postgresql": 2, "sqlite": 2}
RS = b"\x1e"  # joins the canonical forms of a page's events; never in one (see ``clean_text``)


def _canonical_sql(vendor: str) -> str:
    """The database's expression for an event's canonical form, as text.

    The database renders the form (one value to transfer and decode instead of fifteen), and the
    page queries return it as UTF-8 bytes, so Python hashes them as they come.

    PostgreSQL: ``concat_ws`` over the columns, ``coalesce`` for the nullable ones (``concat_ws``
    skips NULLs; ``format('%s…')``, used before, rendered them as ''). Measured against
    ``format()`` with its 15 arguments: about 15% less server time per event, and the same
    bytes (a test compares them with ``canonical()``, which the events were hashed with).
    SQLite: one ``printf`` (three times faster than a chain of ``||``, each of which copies the
    growing string).
    """
    postgresql = vendor == "postgresql"
    columns = [
        '"seq"',
        """to_char("time" AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"""
        if postgresql
        # Django stores SQLite times as text, without the fraction when it is zero.
        else """(CASE WHEN length("time") = 19 THEN "time" || '.000000' ELSE "time" END)""",
    ]
    for model_field in AuditEvent._meta.concrete_fields:
        if model_field.attname in ("seq", "time", "hash"):
            continue
        column = f'"{model_field.column}"'
        columns.append(f"coalesce({column}::text, '')" if postgresql and model_field.null else column)
    if postgresql:
        return f"concat_ws(E'\\x1f', {', '.join(columns)})"
    template = SEP.join(["%s"] * len(columns))
    return f"printf('{template}', {', '.join(columns)})"


def _as_bytes(vendor: str, text_sql: str) -> str:
    return f"convert_to({text_sql}, 'UTF8')" if vendor == "postgresql" else f"CAST({text_sql} AS BLOB)"


def _page_sql(vendor: str) -> str:
    """One page of events after a sequence number, as one row: how many, the first and last
    sequence numbers, every hash joined (64 characters each) and the canonical forms joined by
    ``RS``; text comes as UTF-8 bytes (``_fetch_pages``).

    One row instead of one per event: the driver builds a handful of values per page instead of
    four per event, and the database sends fewer bytes (the previous hashes are not sent: each
    canonical form ends with its event's). Measured on PostgreSQL: the per-row work of the driver
    cost more than hashing the events, and converting the joined forms to ``bytea`` on the
    server cost a fifth of the page; loading the text as bytes costs nothing.
    The aggregates read the page in sequence order in practice (the subquery's order), which no
    SQL standard promises; the verifier relies on it for speed only, never for a verdict: a page
    whose joined values do not check out is read again event by event (``_rows_sql``).
    Built from constants only (column names and the vendor's expressions), never from input; the
    placeholders are the DB-API driver's own (the query runs on the driver's cursor).
    """
    postgresql = vendor == "postgresql"
    mark = "%s" if postgresql else "?"
    table = AuditEvent._meta.db_table
    page = (
        f'SELECT "seq", "hash", {_canonical_sql(vendor)} AS "body" FROM "{table}" '  # noqa: S608
        f'WHERE "seq" > {mark} ORDER BY "seq" LIMIT {mark}'
    )
    if postgresql:
        joined = """string_agg("hash", ''), string_agg("body", E'\\x1e')"""
    else:
        joined = """CAST(group_concat("hash", '') AS BLOB), CAST(group_concat("body", char(30)) AS BLOB)"""
    return f'SELECT count(*), min("seq"), max("seq"), {joined} FROM ({page}) AS page'  # noqa: S608


def _rows_sql(vendor: str) -> str:
    """The events of one page, one row each: (seq, prev_hash, hash, canonical bytes), in order."""
    mark = "%s" if vendor == "postgresql" else "?"
    table = AuditEvent._meta.db_table
    return (
        f'SELECT "seq", "prev_hash", "hash", {_as_bytes(vendor, _canonical_sql(vendor))} '  # noqa: S608
        f'FROM "{table}" WHERE "seq" > {mark} AND "seq" <= {mark} ORDER BY "seq"'
    )


def _driver_cursor(raw, vendor: str):
    """A cursor of the DB-API driver's own connection ``raw`` (usable from another thread) and
    how to run a query on it.

    PostgreSQL: a psycopg cursor with binary results, so the canonical bytes arrive as they are
    (text results would send bytea as hex for the driver to decode); never a prepared statement
    (Django's own cursors prepare none, and a connection pooler may not keep them).
    """
    if vendor == "postgresql":
        import psycopg

        cursor = psycopg.Cursor(raw)
        return cursor, lambda sql, params: cursor.execute(sql, params, prepare=False, binary=True)
    cursor = raw.cursor()
    return cursor, cursor.execute


def _fetch_pages(raw, vendor: str, page: int):
    """``(after, count, first seq, last seq, hashes, canonical forms)`` for each page, the last
    two as bytes."""
    sql = _page_sql(vendor)
    cursor, run = _driver_cursor(raw, vendor)
    if vendor == "postgresql":
        from psycopg.types.string import ByteaBinaryLoader

        # Text as the bytes that arrive (UTF-8, the connection's encoding): no decoding.
        cursor.adapters.register_loader("text", ByteaBinaryLoader)
    try:
        after = 0
        while True:
            count, first, last, hashes, bodies = run(sql, (after, page)).fetchone()
            if not count:
                return
            yield after, count, first, last, bytes(hashes or b""), bytes(bodies or b"")
            if count < page:
                return
            after = last
    finally:
        cursor.close()


def _fetch_rows(raw, vendor: str, after: int, last: int) -> list[tuple]:
    cursor, run = _driver_cursor(raw, vendor)
    try:
        return run(_rows_sql(vendor), (after, last)).fetchall()
    finally:
        cursor.close()


def _read_ahead(pages, depth: int):
    """Iterate ``pages`` in a background thread, up to ``depth`` pages ahead of the consumer.

    psycopg and sqlite3 release the GIL while the database works (PostgreSQL renders the next
    page in its own process; SQLite runs ``sqlite3_step`` without the GIL), so reading page k+1
    overlaps hashing page k.
    """
    queue: Queue = Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.05)
                return True
            except Full:
                continue
        return False

    def run():
        try:
            for rows in pages:
                if not put(rows):
                    return
            put(done)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, which raises it
            put(exc)

    thread = threading.Thread(target=run, name="audit-verify-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item = queue.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()
        pages.close()  # the thread has finished: close the cursor here


def _pages(using: str, page: int = PAGE, prefetch: int | None = None):
    """The pages of the chain in sequence order (see ``_fetch_pages``), on ``using``'s connection.

    Measured here (bench/audit_bench.py): keyset pages of a few thousand rows read in primary-key
    order beat large pages, which PostgreSQL sorted on disk when its statistics were young, and a
    binary COPY was no faster. The pages are read on the caller's connection, inside its
    transaction (a test's transaction included), by a read-ahead thread unless ``prefetch`` is 0.
    """
    connection = connections[using]
    if prefetch is None:
        prefetch = PREFETCH.get(connection.vendor, 0)
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Walk the primary key's index in order: never a sort of wide rows (the plan the
                # planner picks for a young table without statistics).
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("SET LOCAL enable_bitmapscan = off")
        pages = _fetch_pages(connection.connection, connection.vendor, page)
        if prefetch > 0:
            pages = _read_ahead(pages, prefetch)
        try:
            yield from pages
        finally:
            pages.close()


def rendered_events(using: str | None = None) -> list[tuple]:
    """Every event as the verifier reads it: (seq, prev_hash, hash, canonical bytes), in order."""
    using = using or router.db_for_read(AuditEvent)
    connection = connections[using]
    connection.ensure_connection()
    return [
        (seq, prev, hash_, bytes(body))
        for seq, prev, hash_, body in _fetch_rows(connection.connection, connection.vendor, 0, 2**62)
    ]


def verify_chain(
    *,
    checkpoints: bool = True,
    using: str | None = None,
    max_problems: int = 50,
    page: int = PAGE,
    prefetch: int | None = None,
) -> VerifyResult:
    """Walk the whole chain; report changed, missing, inserted or reordered events and a cut tail.

    Each page is first checked as a whole, from the one row the database answers for it
    (``_page_sql``), with no Python work per event beyond its MAC: the page holds as many events
    as its first to last sequence number (a run without gaps: the numbers are unique), starting
    where the previous page ended; the forms' last 64 bytes (each event's previous hash), joined,
    are the previous page's last hash followed by the joined hashes but the last (every event
    links to its predecessor); the MACs
    of the canonical forms, joined, are the joined hashes; the page's checkpoints agree. That
    the joined values come in sequence order is not assumed: every event's MAC covers its
    number and its previous hash, so only the chain's own order can pass these checks. A page
    that fails any of them is read again event by event (``_rows_sql``), which names the
    problems exactly; an intact page gives the same result either way.

    ``page`` events are read per query; ``prefetch`` pages are read ahead by a background thread
    while the current one is hashed (0: read and hash in turn; by default ``PREFETCH`` of the
    database). A verification in worker processes (each verifying a range of sequence numbers, the parent checking the links at the
    range boundaries) was considered and left out: a process with Django and its own connection
    costs more to start than verifying a chain of tens of thousands of events, and on two cores
    the read-ahead already keeps both busy (the database renders, Python hashes).
    """
    started = _time.perf_counter()
    using = using or router.db_for_read(AuditEvent)
    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql"):
        raise NotImplementedError("audit verification supports SQLite and PostgreSQL")
    mac = Mac(_key())
    result = VerifyResult(ok=True)
    problems = result.problems
    marks = read_checkpoints() if checkpoints else []
    valid_marks = [mark for mark in marks if mark.valid]
    by_seq: dict[int, list[Checkpoint]] = {}
    for mark in valid_marks:
        by_seq.setdefault(mark.seq, []).append(mark)
    mark_seqs = sorted(by_seq)
    expected_seq, expected_prev, count, bad = 1, GENESIS_HASH, 0, 0
    for after, size, first, last, hashes, bodies in _pages(using, page, prefetch):
        if result.first_seq is None:
            result.first_seq = first
        forms = bodies.split(RS)
        # The whole page at once.
        if (
            first == expected_seq
            and last - first == size - 1
            and len(forms) == size
            and len(hashes) == 64 * size
            and b"".join([form[-64:] for form in forms]) == expected_prev.encode() + hashes[:-64]
            and mac.joined_hexdigest(forms) == hashes
            and all(
                mark.hash.encode() == hashes[(seq - first) * 64 : (seq - first + 1) * 64]
                for seq in mark_seqs[bisect_left(mark_seqs, first) : bisect_right(mark_seqs, last)]
                for mark in by_seq[seq]
            )
        ):
            count += size
            expected_seq, expected_prev = last + 1, hashes[-64:].decode()
            continue
        # Something is wrong in this page: read it again event by event to name what.
        rows = _fetch_rows(connection.connection, connection.vendor, after, last)
        for index, (seq, prev, stored, body) in enumerate(rows):
            actual = mac.hexdigest(bytes(body))
            if seq == expected_seq and prev == expected_prev and actual == stored and seq not in by_seq:
                expected_seq, expected_prev = seq + 1, stored
                continue
            if seq != expected_seq:
                problems.append(
                    Problem(
                        expected_seq,
                        "missing",
                        f"events #{expected_seq}..#{seq - 1} are missing (deleted)"
                        if seq - 1 > expected_seq
                        else f"event #{expected_seq} is missing (deleted)",
                    )
                )
                bad += 1
            if actual != stored:
                problems.append(
                    Problem(seq, "changed", f"event #{seq} does not match its hash (changed or inserted)")
                )
                bad += 1
            elif prev != expected_prev and seq == expected_seq:
                problems.append(
                    Problem(seq, "broken_link", f"event #{seq} does not follow event #{seq - 1} (reordered)")
                )
                bad += 1
            for mark in by_seq.get(seq, ()):
                if mark.hash != stored:
                    problems.append(
                        Problem(
                            seq,
                            "checkpoint",
                            f"event #{seq} differs from checkpoint {mark.time} (chain rewritten)",
                        )
                    )
                    bad += 1
            if len(problems) >= max_problems:
                count += index + 1
                break
            expected_seq, expected_prev = seq + 1, stored
        else:
            count += len(rows)
            continue
        break
    result.count = count
    result.last_seq = expected_seq - 1
    result.last_hash = expected_prev
    for mark in marks:
        if not mark.valid:
            problems.append(
                Problem(mark.seq, "checkpoint", f"checkpoint on line {mark.line} has a bad signature")
            )
    latest = max(valid_marks, key=lambda mark: mark.seq, default=None)
    result.checkpoint = latest
    result.checkpoints_checked = len(valid_marks)
    if latest is not None and latest.seq > result.last_seq and len(problems) < max_problems:
        problems.append(
            Problem(
                result.last_seq + 1,
                "tail_cut",
                f"events #{result.last_seq + 1}..#{latest.seq} are missing: the checkpoint of "
                f"{latest.time} counted {latest.count} events (tail cut off)",
            )
        )
    result.bad_events = bad
    result.ok = not problems
    result.seconds = _time.perf_counter() - started
    return result


# --- checkpoints -------------------------------------------------------------------------------
def checkpoint_path() -> Path:
    return Path(settings.WHITEWALL_AUDIT_CHECKPOINT_FILE)


def _sign_checkpoint(seq: int, hash_: str, count: int, time: str) -> str:
    message = SEP.join(("checkpoint", str(seq), hash_, str(count), time))
    return hmac.digest(_key(), message.encode("utf-8"), "sha256").hex()


def write_checkpoint(using: str | None = None) -> Checkpoint:
    """Append a signed checkpoint (latest seq, hash and count) to the checkpoint file."""
    using = using or router.db_for_read(AuditEvent)
    with transaction.atomic(using=using):
        head = AuditEvent.objects.using(using).order_by("-seq").values_list("seq", "hash").first()
        count = AuditEvent.objects.using(using).count()
    connection = connections[using]
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # An event commits asynchronously when recorded on its own (see append): never sign a
        # checkpoint over an event that a crash could still take away (a false "tail cut").
        _make_durable(connection)
    seq, hash_ = head if head else (0, GENESIS_HASH)
    moment = timezone.now().isoformat()
    mark = Checkpoint(seq=seq, hash=hash_, count=count, time=moment, signature="")
    mark.signature = _sign_checkpoint(seq, hash_, count, moment)
    path = checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(
        {"seq": seq, "hash": hash_, "count": count, "time": moment, "signature": mark.signature},
        separators=(",", ":"),
    )
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return mark


def read_checkpoints() -> list[Checkpoint]:
    path = checkpoint_path()
    if not path.exists():
        return []
    marks = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            mark = Checkpoint(
                seq=int(data["seq"]),
                hash=str(data["hash"]),
                count=int(data["count"]),
                time=str(data["time"]),
                signature=str(data["signature"]),
                line=number,
            )
        except (ValueError, KeyError, TypeError):
            marks.append(Checkpoint(0, "", 0, "", "", line=number, valid=False))
            continue
        expected = _sign_checkpoint(mark.seq, mark.hash, mark.count, mark.time)
        mark.valid = hmac.compare_digest(expected, mark.signature)
        marks.append(mark)
    return marks


def latest_checkpoint() -> Checkpoint | None:
    return max((mark for mark in read_checkpoints() if mark.valid), key=lambda m: m.seq, default=None)


def checkpoint_is_fresh(mark: Checkpoint | None, now: dt.datetime | None = None) -> bool:
    if mark is None or mark.moment is None:
        return False
    allowed = dt.timedelta(minutes=2 * get_policy().audit.checkpoint_minutes + 5)
    return (now or timezone.now()) - mark.moment <= allowed


# --- the policy file ---------------------------------------------------------------------------
def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(data, dict):
        flat: dict[str, Any] = {}
        for key, value in data.items():
            flat.update(_flatten(value, f"{prefix}{key}."))
        return flat
    return {prefix.rstrip("."): data}


def policy_sync() -> AuditEvent | None:
    """Record a policy change when the policy file differs from the one last recorded."""
    from whitewall.config.policy import PolicyError, load_policy

    path = Path(settings.WHITEWALL_POLICY_PATH)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    last = AuditEvent.objects.filter(action=Action.POLICY_CHANGE).order_by("-seq").first()
    last_digest = last.extra_data.get("sha256") if last else None
    if last_digest == digest:
        return None
    try:
        after = _flatten(load_policy(path).model_dump(mode="json"))
        after = {key: to_json(value) if isinstance(value, list) else value for key, value in after.items()}
    except PolicyError as exc:
        after = {"error": str(exc)}
    return record(
        action=Action.POLICY_CHANGE,
        object_type="config.policy",
        object_id="policy",
        object_repr=path.name,
        before=last.after_data if last else None,
        after=after,
        extra={"sha256": digest, "previous_sha256": last_digest, "path": str(path)},
    )


# --- the anomaly review queue ------------------------------------------------------------------
def anomalies():
    """Security-relevant events (failed logins, lockouts, denials, …), newest first."""
    return AuditEvent.objects.filter(action__in=ANOMALY_ACTIONS)


def unreviewed_anomalies():
    reviewed = AnomalyReview.objects.values("event_seq")
    return anomalies().exclude(seq__in=reviewed)


def anomaly_review(*, actor, events: Iterable[AuditEvent], note: str = "") -> int:
    """Mark security-relevant events reviewed by ``actor``; returns how many were newly reviewed."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils.translation import gettext as _

    from whitewall.core.permissions import has_model_permission

    if actor is not None and not has_model_permission(actor, AnomalyReview, "add"):
        raise PermissionDenied(_("You do not have permission to do this."))
    note = note.strip()
    if len(note) > 500:
        raise ValidationError({"note": _("Keep the note under 500 characters.")})
    done = 0
    with transaction.atomic():
        already = set(AnomalyReview.objects.values_list("event_seq", flat=True))
        for event in events:
            if event.action not in ANOMALY_ACTIONS or event.seq in already:
                continue
            review = AnomalyReview(
                event_seq=event.seq,
                reviewer_id=actor.pk if actor is not None else None,
                reviewer_username=actor.get_username() if actor is not None else "",
                note=note,
            )
            review.full_clean()
            review.save()
            done += 1
    return done
