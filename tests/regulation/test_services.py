"""Each regulation service, tested on its own."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from whitewall.config.policy import Policy, RegulationPolicy
from whitewall.regulation import catalogue, checks, services
from whitewall.regulation.checks import CheckResult, Status
from whitewall.regulation.models import (
    Acknowledgement,
    AcknowledgementReminder,
    Chapter,
    CheckRun,
    CheckSnapshot,
    Clause,
)
from whitewall.regulation.signals import acknowledgement_due
from whitewall.regulation.testing import make_staff, make_version, with_role

pytestmark = pytest.mark.django_db


# --- clause_sync ----------------------------------------------------------------------------------
def test_clause_sync_seeded_every_clause_of_all_six_chapters():
    assert Chapter.objects.count() == 6
    codes = set(Clause.objects.values_list("code", flat=True))
    assert codes == {c.code for c in catalogue.CLAUSES}
    assert len(codes) == 57
    for chapter in range(1, 7):
        assert Clause.objects.filter(chapter__number=chapter).exists()
    assert {"1.1", "1.2", "1.3.2", "2.3.2", "4.1.1", "4.2.3", "5.2.3", "6.1.2", "6.3"} <= codes


def test_clause_sync_is_idempotent_and_restores_the_catalogue_wording():
    assert services.clause_sync() == {"chapters": 0, "created": 0, "updated": 0}
    Clause.objects.filter(code="4.2.3").update(title_en="changed")
    Clause.objects.filter(code="6.3").delete()
    assert services.clause_sync() == {"chapters": 0, "created": 1, "updated": 1}
    assert Clause.objects.get(code="4.2.3").title_en == "Security audit"


def test_clauses_sort_in_regulation_order_and_speak_the_active_language():
    from django.utils import translation

    codes = list(Clause.objects.values_list("code", flat=True))
    assert codes.index("1.3.5") < codes.index("2.1.1") < codes.index("2.4.3") < codes.index("3.1.1")
    clause = Clause.objects.get(code="4.2.3")
    with translation.override("zh-hans"):
        assert clause.title == "系统安全审计"
    with translation.override("en"):
        assert clause.title == "Security audit"


def test_the_wording_is_our_own_never_the_source_sentences():
    """No clause text shares a run of 10 characters with the source regulation."""
    from pathlib import Path

    source = Path("/work/shared/seed/regulation.zh.md")
    if not source.exists():
        pytest.skip("the source regulation is not available on this machine")
    text = "".join(source.read_text(encoding="utf-8").split())
    for clause in catalogue.CLAUSES:
        mine = "".join(clause.text_zh.split())
        copied = [mine[i : i + 10] for i in range(len(mine) - 9) if mine[i : i + 10] in text]
        assert copied == [], f"{clause.code} copies the source: {copied[:3]}"


# --- regulation_version_publish ---------------------------------------------------------------
def test_regulation_version_publish_puts_the_version_in_force():
    manager = with_role(make_staff("manager"), "operations_manager")
    version = make_version("1.0", published=False)
    services.regulation_version_publish(actor=manager, version=version)
    version.refresh_from_db()
    assert version.is_published and version.published_by == manager
    assert version.__class__.objects.current() == version


def test_regulation_version_publish_needs_the_publish_permission():
    operator = make_staff("op")
    version = make_version("1.0", published=False)
    with pytest.raises(PermissionDenied):
        services.regulation_version_publish(actor=operator, version=version)
    version.refresh_from_db()
    assert not version.is_published


def test_regulation_version_publish_refuses_twice_and_dates_before_the_version_in_force():
    make_version("1.0")
    with pytest.raises(ValidationError):
        services.regulation_version_publish(actor=None, version=make_version("1.1"))
    older = make_version(
        "0.5", published=False, effective=timezone.localdate() - datetime.timedelta(days=100)
    )
    with pytest.raises(ValidationError) as info:
        services.regulation_version_publish(actor=None, version=older)
    assert "effective_date" in info.value.message_dict


def test_only_one_version_is_current_the_latest_published_in_effect():
    make_version("1.0", effective=timezone.localdate() - datetime.timedelta(days=60))
    newer = make_version("1.1", effective=timezone.localdate() - datetime.timedelta(days=1))
    make_version("2.0", effective=timezone.localdate() + datetime.timedelta(days=5))  # not yet
    make_version("1.2", published=False, effective=timezone.localdate())  # a draft
    assert newer.__class__.objects.current() == newer


def test_regulation_version_check_editable_refuses_published_versions():
    services.regulation_version_check_editable(make_version("0.1", published=False))
    with pytest.raises(ValidationError):
        services.regulation_version_check_editable(make_version("1.0"))


# --- acknowledgement_create -------------------------------------------------------------------------
def test_acknowledgement_create_records_once():
    version = make_version("1.0")
    person = make_staff("a")
    ack = services.acknowledgement_create(actor=person, version=version)
    assert ack.user == person and ack.version == version
    with pytest.raises(ValidationError):
        services.acknowledgement_create(actor=person, version=version)
    assert Acknowledgement.objects.count() == 1
    assert services.acknowledgement_due_for(person) is None


def test_acknowledgement_create_only_for_the_version_in_force():
    make_version("1.0", effective=timezone.localdate() - datetime.timedelta(days=100))
    make_version("1.1")
    old = make_version("0.9", effective=timezone.localdate() - datetime.timedelta(days=200))
    person = make_staff("a")
    with pytest.raises(ValidationError):
        services.acknowledgement_create(actor=person, version=old)


def test_acknowledgement_create_only_by_active_staff():
    version = make_version("1.0")
    from whitewall.accounts.models import User

    wall_user = User.objects.create_user(username="wall", email="wall@example.com")
    with pytest.raises(PermissionDenied):
        services.acknowledgement_create(actor=wall_user, version=version)
    with pytest.raises(PermissionDenied):
        services.acknowledgement_create(actor=None, version=version)


# --- acknowledgement_reminders_send --------------------------------------------------------------------
@pytest.fixture
def received():
    calls = []

    def receiver(sender, user, version, **kwargs):
        calls.append((user.username, version.number))

    acknowledgement_due.connect(receiver, dispatch_uid="test-receiver")
    yield calls
    acknowledgement_due.disconnect(dispatch_uid="test-receiver")


def test_acknowledgement_reminders_send_reminds_those_who_have_not_acknowledged(
    received, django_capture_on_commit_callbacks
):
    version = make_version("1.0")
    done, pending = make_staff("done"), make_staff("pending")
    make_staff("left", active=False)
    Acknowledgement.objects.create(user=done, version=version)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.acknowledgement_reminders_send() == 1
    assert received == [("pending", "1.0")]
    assert AcknowledgementReminder.objects.filter(user=pending, version=version).count() == 1


def test_acknowledgement_reminders_send_at_most_every_policy_period(
    received, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(
        services, "get_policy", lambda: Policy(regulation=RegulationPolicy(acknowledgement_reminder_days=3))
    )
    make_version("1.0")
    make_staff("pending")
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.acknowledgement_reminders_send(today=today) == 1
        assert services.acknowledgement_reminders_send(today=today) == 0  # the same day: nothing
        assert services.acknowledgement_reminders_send(today=today + datetime.timedelta(days=2)) == 0
        assert services.acknowledgement_reminders_send(today=today + datetime.timedelta(days=3)) == 1
    assert len(received) == 2


def test_acknowledgement_reminders_send_nothing_without_a_version_in_force(received):
    make_staff("pending")
    assert services.acknowledgement_reminders_send() == 0
    assert received == []


# --- check runs -----------------------------------------------------------------------------------
def test_check_run_claim_exactly_once_per_slot():
    now = timezone.now()
    first = services.check_run_claim(now=now)
    assert first is not None
    assert services.check_run_claim(now=now) is None  # the second runner finds nothing to do
    assert CheckRun.objects.count() == 1
    later = now + datetime.timedelta(minutes=services.get_policy().regulation.check_minutes)
    assert services.check_run_claim(now=later) is not None


def test_scheduled_checks_run_twice_in_a_slot_runs_the_checks_once():
    now = timezone.now()
    assert services.scheduled_checks_run(now=now) is not None
    assert services.scheduled_checks_run(now=now) is None
    assert CheckRun.objects.count() == 1
    assert CheckSnapshot.objects.filter(clause__code="1.1").count() == 1


def test_check_run_execute_stores_a_snapshot_per_registered_check_and_counts_the_rest():
    make_version("1.0")
    run = services.check_run_execute(run=CheckRun.objects.create(trigger=CheckRun.Trigger.ON_DEMAND))
    registered = [code for code in checks.registered_codes() if Clause.objects.filter(code=code).exists()]
    assert sorted(run.snapshots.values_list("clause__code", flat=True)) == sorted(registered)
    assert sum(run.counts.values()) == Clause.objects.count()
    assert run.counts["not_built"] == Clause.objects.count() - len(registered)
    snapshot = run.snapshots.get(clause__code="1.1")
    assert snapshot.status == "green"
    assert set(snapshot.explanations) == {"zh-hans", "en"}
    assert run.finished_at is not None


def test_a_check_that_raises_is_stored_red_with_the_error(monkeypatch):
    def broken():
        raise RuntimeError("boom")

    monkeypatch.setitem(checks._checks, "2.3.2", broken)
    run = services.check_run_execute(run=CheckRun.objects.create(trigger=CheckRun.Trigger.ON_DEMAND))
    snapshot = run.snapshots.get(clause__code="2.3.2")
    assert snapshot.status == "red" and "boom" in snapshot.explanation


def test_whatever_other_modules_register_is_run(monkeypatch):
    monkeypatch.setitem(
        checks._checks, "4.2.3", lambda: CheckResult(Status.AMBER, "chain verifies; no anomaly review yet")
    )
    run = services.check_run_execute(run=CheckRun.objects.create(trigger=CheckRun.Trigger.ON_DEMAND))
    assert run.snapshots.get(clause__code="4.2.3").status == "amber"


def test_checks_run_now_needs_the_run_permission():
    with pytest.raises(PermissionDenied):
        services.checks_run_now(actor=make_staff("op"))
    runner = with_role(make_staff("sec"), "security_officer")
    run = services.checks_run_now(actor=runner)
    assert run.trigger == "on_demand" and run.triggered_by == runner


def test_check_run_recompute_runs_only_the_historical_checks_for_the_past():
    make_version("1.0", published_at=timezone.now() - datetime.timedelta(days=3))
    moment = timezone.now() - datetime.timedelta(days=10)
    run = services.check_run_recompute(as_of=moment)
    codes = set(run.snapshots.values_list("clause__code", flat=True))
    assert codes == set(checks.historical_codes())
    assert run.snapshots.get(clause__code="1.1").status == "red"  # not published yet then
    assert run.snapshots.get(clause__code="1.1").taken_at == moment
    with pytest.raises(ValidationError):
        services.check_run_recompute(as_of=timezone.now() + datetime.timedelta(days=1))


def test_snapshots_prune_keeps_the_policy_period():
    keep = services.get_policy().regulation.snapshot_keep_days
    old = CheckRun.objects.create(
        trigger=CheckRun.Trigger.ON_DEMAND, started_at=timezone.now() - datetime.timedelta(days=keep + 1)
    )
    services.check_run_execute(run=old)
    recent = services.check_run_execute(run=CheckRun.objects.create(trigger=CheckRun.Trigger.ON_DEMAND))
    services.snapshots_prune()
    assert list(CheckRun.objects.all()) == [recent]
    assert not CheckSnapshot.objects.filter(run_id=old.pk).exists()
