"""`whitewall audit verify|checkpoint|policy-sync`, the checkpoint job, the 4.2.3 check, demo data."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from whitewall.audit.db import TABLE, audit_bypass
from whitewall.audit.models import Action, AuditEvent
from whitewall.audit.services import read_checkpoints, record, write_checkpoint
from whitewall.audit.tasks import audit_checkpoint, checkpoint_schedule
from whitewall.regulation.checks import Status, run_check

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("audit", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def tamper(seq):
    from django.db import connection

    with audit_bypass(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET object_repr = 'forged' WHERE seq = %s", [seq])


def test_verify_exits_zero_with_a_summary_when_intact():
    record(action=Action.OTHER)
    out, _err = run("verify")
    assert "intact" in out and f"{AuditEvent.objects.count()} events" in out


def test_verify_exits_non_zero_naming_the_first_bad_event():
    events = [record(action=Action.OTHER, object_repr=str(i)) for i in range(4)]
    tamper(events[2].seq)
    tamper(events[3].seq)
    with pytest.raises(CommandError) as caught:
        run("verify")
    assert caught.value.returncode == 1
    assert f"#{events[2].seq}" in str(caught.value)
    out = io.StringIO()  # --json prints the result, then fails
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["ok"] is False and data["first_bad_seq"] == events[2].seq


def test_verify_names_a_cut_tail_after_a_checkpoint():
    events = [record(action=Action.OTHER) for _ in range(3)]
    run("checkpoint")
    from django.db import connection

    with audit_bypass(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq >= %s", [events[1].seq])
    with pytest.raises(CommandError, match=f"#{events[1].seq}"):
        run("verify")
    run("verify", "--no-checkpoints")  # the chain alone cannot know


def test_checkpoint_command_and_job_write_signed_lines():
    run("checkpoint")
    result = audit_checkpoint.call_local()
    marks = read_checkpoints()
    assert len(marks) == 2 and all(mark.valid for mark in marks)
    assert result["seq"] == AuditEvent.objects.order_by("-seq").first().seq


@pytest.mark.parametrize(
    ("minutes", "per_day", "first"),
    [(15, 96, [0, 15, 30, 45, 60]), (60, 24, [0, 60, 120]), (120, 12, [0, 120, 240]), (90, 24, [0, 60])],
)
def test_the_checkpoint_schedule_follows_the_policy(minutes, per_day, first):
    """Every N minutes of local time (90 is not a whole number of hours: hourly instead)."""
    import datetime as dt

    schedule = checkpoint_schedule(minutes)
    fires = [m for m in range(24 * 60) if schedule(dt.datetime(2025, 1, 1, m // 60, m % 60))]
    assert len(fires) == per_day
    assert fires[: len(first)] == first


def test_policy_sync_command():
    out, _err = run("policy-sync")
    assert "unchanged" in out  # recorded when the test database was migrated


def test_the_check_is_amber_without_a_fresh_checkpoint():
    result = run_check("4.2.3")
    assert result.status == Status.AMBER
    assert "checkpoint" in result.explanation


def test_the_check_is_amber_while_security_events_await_review():
    from whitewall.audit.models import AnomalyReview

    for event in AuditEvent.objects.filter(action__in=("login_failed", "lockout", "permission_denied")):
        AnomalyReview.objects.create(event_seq=event.seq)
    record(action=Action.LOGIN_FAILED, object_repr="guess")
    write_checkpoint()
    result = run_check("4.2.3")
    assert result.status == Status.AMBER
    assert result.figures["unreviewed"] == 1


def test_the_check_is_green_when_intact_checkpointed_and_reviewed():
    from whitewall.audit.services import anomaly_review, unreviewed_anomalies

    record(action=Action.LOCKOUT, object_repr="someone")
    anomaly_review(actor=None, events=list(unreviewed_anomalies()))
    write_checkpoint()
    result = run_check("4.2.3")
    assert result.status == Status.GREEN, result.explanation


def test_the_check_is_red_naming_the_first_bad_event():
    event = record(action=Action.OTHER)
    write_checkpoint()
    tamper(event.seq)
    result = run_check("4.2.3")
    assert result.status == Status.RED
    assert f"#{event.seq}" in result.explanation
    assert f"seq_from={event.seq}" in result.evidence_url


def test_the_demo_data_leaves_a_valid_populated_trail():
    from django.db import transaction

    from whitewall.audit.services import verify_chain

    with transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
    # on_commit callbacks (the demo checkpoint) do not run inside a test's transaction: sign here.
    write_checkpoint()
    result = verify_chain()
    assert result.ok, result.problems
    assert AuditEvent.objects.filter(action="create", object_type="accounts.staffprofile").count() >= 12
    for action in ("login", "login_failed", "lockout", "permission_denied", "export"):
        assert AuditEvent.objects.filter(action=action).exists(), action
    out = io.StringIO()
    call_command("seed_demo", "--force", stdout=out)
    assert "already present" in out.getvalue()
