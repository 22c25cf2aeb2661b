"""record(), the chain, masking, the request context, batches, checkpoints and the policy file."""

import hmac
import json

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from whitewall.audit.context import acting_as
from whitewall.audit.models import GENESIS_HASH, Action, AuditEvent
from whitewall.audit.services import (
    MASK,
    Mac,
    batch,
    build_event,
    canonical,
    checkpoint_is_fresh,
    compute_hash,
    is_masked,
    latest_checkpoint,
    policy_sync,
    read_checkpoints,
    record,
    verify_chain,
    write_checkpoint,
)

pytestmark = pytest.mark.django_db


def test_record_appends_to_the_chain():
    head = AuditEvent.objects.order_by("-seq").first()
    first = record(action=Action.OTHER, object_repr="one")
    second = record(action=Action.OTHER, object_repr="two")
    assert first.seq == (head.seq if head else 0) + 1
    assert first.prev_hash == (head.hash if head else GENESIS_HASH)
    assert second.seq == first.seq + 1
    assert second.prev_hash == first.hash
    stored = AuditEvent.objects.get(seq=second.seq)
    assert compute_hash(canonical(stored)) == stored.hash
    assert verify_chain().ok


def test_the_databases_canonical_bytes_are_the_python_canonical_form():
    """The verifier hashes what the database renders: it must be byte for byte what append()
    hashed (a NULL actor, an actor, Chinese text, JSON, a time on a whole second)."""
    import datetime as dt

    from whitewall.audit.services import RS, _pages, append, rendered_events

    user = get_user_model().objects.create_user(username="渲染")
    events = [
        record(action=Action.OTHER, object_repr="员工 00001（运营部）", after={"名": "值", "n": 1}),
        record(action=Action.UPDATE, actor=user, before={"a": None}, extra={"why": "x"}),
        append([build_event(action=Action.OTHER, time=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC))])[0],
        append([build_event(action=Action.OTHER, time=dt.datetime(2026, 1, 2, 3, 4, 5, 70, tzinfo=dt.UTC))])[
            0
        ],
    ]
    rendered = {seq: body for seq, _prev, _hash, body in rendered_events()}
    for event in events:
        stored = AuditEvent.objects.get(seq=event.seq)
        assert rendered[event.seq] == canonical(stored).encode("utf-8")
    # The pages the verifier checks whole join the same bytes, and the hashes, in sequence order.
    pages = list(_pages("default", page=3, prefetch=0))
    assert [size for _after, size, *_rest in pages[:-1]] == [3] * (len(pages) - 1)
    joined = [form for *_head, _hashes, bodies in pages for form in bodies.split(RS)]
    assert joined == [rendered[seq] for seq in sorted(rendered)]
    hashes = b"".join(page_hashes for *_head, page_hashes, _bodies in pages)
    assert hashes == "".join(stored.hash for stored in AuditEvent.objects.order_by("seq")).encode()
    assert verify_chain().ok


def test_the_hash_is_keyed_with_the_audit_key(settings):
    event = record(action=Action.OTHER, object_repr="keyed")
    stored = AuditEvent.objects.get(seq=event.seq)
    settings.WHITEWALL_AUDIT_KEY = "another-key-" + "x" * 40
    assert compute_hash(canonical(stored)) != stored.hash
    result = verify_chain()
    assert not result.ok and result.first_bad_seq == AuditEvent.objects.order_by("seq").first().seq


def test_object_fields_come_from_the_object():
    from whitewall.accounts.models import Department

    department = Department.objects.get(code="finance")
    event = record(action=Action.OTHER, obj=department, extra={"why": "test"})
    assert (event.object_type, event.object_id, event.object_repr) == (
        "accounts.department",
        str(department.pk),
        department.name,
    )
    assert json.loads(event.extra) == {"why": "test"}


def test_proxy_models_are_recorded_as_their_concrete_model():
    from whitewall.accounts.models import Role

    role = Role.objects.get(name="auditor")
    assert record(action=Action.OTHER, obj=role).object_type == "auth.group"


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("password", True),
        ("national_id", True),
        ("api_token", True),
        ("bank_account", True),
        ("personal_email", True),
        ("email", False),
        ("keyboard", False),
        ("monkey", False),
        ("key_hash", True),
        ("webhook_api_key", True),
        # An identifier named "key" (a checklist item's, a clause's sort key) is no secret.
        ("key", False),
        ("sort_key", False),
    ],
)
def test_masked_field_names_come_from_the_policy(name, masked):
    assert is_masked(name) is masked


def test_sensitive_values_are_masked_before_they_are_stored():
    event = record(
        action=Action.UPDATE,
        before={"password": "old-secret", "name": "A", "nested": {"token": "t0k"}},
        after={"password": "new-secret", "name": "B", "national_id": ""},
    )
    stored = AuditEvent.objects.get(seq=event.seq)
    assert "secret" not in stored.before + stored.after and "t0k" not in stored.before
    assert stored.before_data == {"password": MASK, "name": "A", "nested": {"token": MASK}}
    assert stored.after_data["national_id"] == ""  # nothing to hide


def test_separators_and_control_characters_cannot_shift_fields():
    event = record(action=Action.OTHER, object_repr="a\x1fb\x00c\nd", extra={"k": "x\x1fy"})
    stored = AuditEvent.objects.get(seq=event.seq)
    assert "\x1f" not in stored.object_repr and "\x00" not in stored.object_repr
    assert "\x1f" not in stored.extra  # JSON escapes it
    assert verify_chain().ok


def test_the_request_context_comes_from_the_middleware(client):
    from whitewall.core.testing import login

    user = get_user_model().objects.create_user(username="ctx", is_staff=True)
    login(client, user)
    before = AuditEvent.objects.order_by("-seq").first().seq
    response = client.get("/console/audit/", REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="TestAgent/1.0")
    assert response.status_code == 403
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    denied = AuditEvent.objects.get(seq__gt=before, action=Action.PERMISSION_DENIED)
    assert (denied.request_id, denied.ip, denied.user_agent) == (request_id, "10.1.2.3", "TestAgent/1.0")
    assert (denied.actor_id, denied.actor_username) == (user.pk, "ctx")


def test_a_request_id_from_a_trusted_proxy_is_kept(client, settings):
    settings.WHITEWALL_TRUSTED_PROXIES = ["127.0.0.1"]
    response = client.get("/healthz", HTTP_X_REQUEST_ID="edge-1234abcd", REMOTE_ADDR="127.0.0.1")
    assert response["X-Request-ID"] == "edge-1234abcd"
    response = client.get("/healthz", HTTP_X_REQUEST_ID="edge-1234abcd", REMOTE_ADDR="10.0.0.9")
    assert response["X-Request-ID"] != "edge-1234abcd"


def test_explicit_request_and_acting_as():
    user = get_user_model().objects.create_user(username="jobber")
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_USER_AGENT="UA")
    request.user = user
    event = record(action=Action.OTHER, request=request)
    assert (event.actor_username, event.ip, event.user_agent) == ("jobber", "192.0.2.1", "UA")
    with acting_as(user, request_id="job-42"):
        event = record(action=Action.OTHER)
    assert (event.actor_id, event.request_id) == (user.pk, "job-42")
    assert record(action=Action.OTHER).actor_id is None  # nobody: the system


def test_a_batch_appends_at_the_end_in_one_go():
    head = AuditEvent.objects.order_by("-seq").first().seq
    with batch() as events:
        for index in range(5):
            record(action=Action.OTHER, object_repr=f"batched {index}")
        assert AuditEvent.objects.filter(seq__gt=head).count() == 0  # not yet in the chain
        with batch():  # nested blocks join the outer one
            record(action=Action.OTHER, object_repr="nested")
    assert [e.seq for e in events] == list(range(head + 1, head + 7))
    assert verify_chain().ok


def test_a_failed_batch_leaves_no_events():
    head = AuditEvent.objects.order_by("-seq").first().seq
    with pytest.raises(RuntimeError), batch():
        record(action=Action.OTHER, object_repr="lost")
        raise RuntimeError
    assert not AuditEvent.objects.filter(seq__gt=head).exists()


def test_an_event_rolled_back_with_its_write_leaves_the_chain_whole():
    with pytest.raises(RuntimeError), transaction.atomic():
        record(action=Action.OTHER, object_repr="rolled back")
        raise RuntimeError
    record(action=Action.OTHER, object_repr="after")
    assert verify_chain().ok


def test_checkpoints_are_signed_and_checked(settings):
    record(action=Action.OTHER)
    mark = write_checkpoint()
    head = AuditEvent.objects.order_by("-seq").first()
    assert (mark.seq, mark.hash, mark.count) == (head.seq, head.hash, AuditEvent.objects.count())
    assert latest_checkpoint().seq == head.seq
    assert checkpoint_is_fresh(latest_checkpoint())
    path = settings.WHITEWALL_AUDIT_CHECKPOINT_FILE
    line = json.loads(path.read_text().splitlines()[-1])
    line["seq"] += 5  # a forged checkpoint
    with open(path, "a") as handle:
        handle.write(json.dumps(line) + "\n")
    marks = read_checkpoints()
    assert [m.valid for m in marks] == [True, False]
    result = verify_chain()
    assert not result.ok
    assert any(p.kind == "checkpoint" and "signature" in p.message for p in result.problems)


def test_a_stale_checkpoint_is_not_fresh():
    import datetime as dt

    from django.utils import timezone

    mark = write_checkpoint()
    assert not checkpoint_is_fresh(mark, now=timezone.now() + dt.timedelta(days=1))
    assert not checkpoint_is_fresh(None)


def test_policy_changes_are_recorded_once(settings, tmp_path):
    policy_sync()  # whatever the test database last recorded
    assert policy_sync() is None  # unchanged: nothing new
    changed = tmp_path / "policy.toml"
    text = settings.WHITEWALL_POLICY_PATH.read_text(encoding="utf-8")
    changed.write_text(text.replace("checkpoint_minutes = 60", "checkpoint_minutes = 30"), encoding="utf-8")
    settings.WHITEWALL_POLICY_PATH = changed
    event = policy_sync()
    assert event is not None and event.action == Action.POLICY_CHANGE
    assert event.before_data["audit.checkpoint_minutes"] == 60
    assert event.after_data["audit.checkpoint_minutes"] == 30
    assert policy_sync() is None


def test_postgresql_takes_the_chain_lock(django_assert_num_queries):
    if connection.vendor != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL's; SQLite's IMMEDIATE transactions hold the write lock")
    from django.test.utils import CaptureQueriesContext

    from whitewall.audit.db import HEAD_FUNCTION

    with CaptureQueriesContext(connection) as captured:
        record(action=Action.OTHER)
    assert any(HEAD_FUNCTION in q["sql"] for q in captured.captured_queries)
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [HEAD_FUNCTION])
        (source,) = cursor.fetchone()
    assert "pg_advisory_xact_lock" in source


def _queries_of(action):
    from django.test.utils import CaptureQueriesContext

    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        action()
    return [q["sql"] for q in captured.captured_queries]


def test_one_event_costs_one_head_read_and_one_insert():
    """The per-write path is lean: no savepoint, no extra reads; the head read (which takes the
    chain lock on PostgreSQL, in the same round trip) and the INSERT."""
    from whitewall.audit.db import HEAD_FUNCTION

    sqls = _queries_of(lambda: record(action=Action.OTHER, object_repr="counted"))
    assert len(sqls) == 2, sqls
    if connection.vendor == "postgresql":
        assert f"FROM {HEAD_FUNCTION}(" in sqls[0]
    else:
        assert 'ORDER BY "seq" DESC LIMIT 1' in sqls[0]
    assert sqls[1].startswith("INSERT INTO")
    assert verify_chain().ok


def test_a_batch_costs_the_same_few_statements_whatever_its_size():
    def hundred():
        with batch():
            for index in range(100):
                record(action=Action.OTHER, object_repr=f"batched {index}")

    sqls = _queries_of(hundred)
    # Nested in a transaction, the block itself is a savepoint (its writes roll back together).
    appending = [sql for sql in sqls if "SAVEPOINT" not in sql]
    assert len(appending) == 2, sqls
    assert len(sqls) == len(appending) + 2
    assert verify_chain().ok


@given(key=st.binary(min_size=1, max_size=200), message=st.binary(max_size=2000))
def test_the_fast_verifier_mac_is_hmac_sha256(key, message):
    assert Mac(key).hexdigest(message) == hmac.new(key, message, "sha256").hexdigest()


def test_build_event_passes_fields_in_the_models_order():
    """build_event() creates events with positional arguments (Django's fast path): a new or moved
    field must change it too."""
    assert [f.attname for f in AuditEvent._meta.concrete_fields] == [
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
    ]
    event = build_event(action=Action.OTHER, object_type="tests.x", object_id=5, after={"a": 1})
    assert (event.action, event.object_type, event.object_id, event.after) == (
        "other",
        "tests.x",
        "5",
        '{"a":1}',
    )


def test_a_page_that_does_not_check_out_whole_is_read_again_event_by_event(monkeypatch):
    """The whole-page checks are only a faster way to the same verdict: with every page failing
    them (as if the database joined a page out of order), the event-by-event reading agrees."""
    from whitewall.audit.services import Mac

    for index in range(7):
        record(action=Action.OTHER, object_repr=f"paged {index}")
    whole = verify_chain(checkpoints=False, page=3)
    monkeypatch.setattr(Mac, "joined_hexdigest", lambda self, forms: b"out of order")
    walked = verify_chain(checkpoints=False, page=3)
    assert whole.ok and walked.ok
    assert (walked.count, walked.first_seq, walked.last_seq, walked.last_hash) == (
        whole.count,
        whole.first_seq,
        whole.last_seq,
        whole.last_hash,
    )
    assert walked.count == AuditEvent.objects.count()
