"""The approval engine's services, each rule on its own (tests named after the service)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from whitewall.approvals import services
from whitewall.approvals.models import (
    ApprovalCC,
    ApprovalRequest,
    ApprovalTask,
    RequestStatus,
    SkipReason,
    TaskOrigin,
    TaskStatus,
    TimelineKind,
)
from whitewall.approvals.signals import approval_event

pytestmark = pytest.mark.django_db


def pending_assignees(request):
    return sorted(
        t.assignee.username for t in ApprovalTask.objects.filter(request=request, status=TaskStatus.PENDING)
    )


def kinds(request):
    return list(request.timeline.values_list("kind", flat=True))


@pytest.fixture
def events():
    received = []

    def listener(sender, kind, request, recipients, **kwargs):
        received.append((kind, request.pk, sorted(u.username for u in recipients)))

    approval_event.connect(listener, dispatch_uid="test-approval-events")
    yield received
    approval_event.disconnect(dispatch_uid="test-approval-events")


# --- approval_submit ---------------------------------------------------------------------------------
def test_approval_submit_opens_the_first_tier_and_snapshots_the_flow(
    org, django_capture_on_commit_callbacks, events
):
    claim = org.claim("1200")
    with django_capture_on_commit_callbacks(execute=True):
        request = services.approval_submit(actor=org.applicant, document=claim)
    assert request.status == RequestStatus.PENDING
    assert request.current_tier == 0
    assert request.round == 1
    assert [t["name"] for t in request.tiers] == [
        "Department head",
        "Finance audit",
        "Executive (above 5,000)",
    ]
    assert [t["applies"] for t in request.tiers] == [True, True, False]
    assert pending_assignees(request) == ["head"]
    claim.refresh_from_db()
    assert claim.callbacks == ["submitted"]
    assert claim.approval_request == request
    assert ("task_assigned", request.pk, ["head"]) in events


def test_approval_submit_amount_above_5000_adds_the_executive_tier(org):
    small = services.approval_submit(actor=org.applicant, document=org.claim("5000"))
    large = services.approval_submit(actor=org.applicant, document=org.claim("5000.01"))
    assert [t["applies"] for t in small.tiers] == [True, True, False]
    assert [t["applies"] for t in large.tiers] == [True, True, True]
    for request in (small, large):
        services.approval_decide(actor=org.head, request=request, decision="approve")
        services.approval_decide(actor=org.finance1, request=request, decision="approve")
    small.refresh_from_db()
    large.refresh_from_db()
    assert small.status == RequestStatus.APPROVED
    assert TimelineKind.TIER_SKIPPED in kinds(small)
    assert large.status == RequestStatus.PENDING
    assert pending_assignees(large) == ["boss"]
    services.approval_decide(actor=org.executive, request=large, decision="approve")
    large.refresh_from_db()
    assert large.status == RequestStatus.APPROVED


def test_approval_submit_refuses_unknown_process_other_people_and_double_submission(org):
    claim = org.claim()
    with pytest.raises(ValidationError) as error:
        services.approval_submit(actor=org.applicant, document=claim, process="finance.nothing")
    assert "process" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.approval_submit(actor=org.colleague, document=claim)
    services.approval_submit(actor=org.applicant, document=claim)
    with pytest.raises(ValidationError, match="already waiting"):
        services.approval_submit(actor=org.applicant, document=claim)
    assert ApprovalRequest.objects.count() == 1


def test_approval_submit_skips_the_applicant_from_their_own_tier(org):
    # The department head claims: they are skipped from the department-head tier, which then has
    # nobody left, so it goes to the escalation role (executive).
    claim = org.claim(applicant=org.head)
    request = services.approval_submit(actor=org.head, document=claim)
    skipped = ApprovalTask.objects.get(request=request, assignee=org.head)
    assert skipped.status == TaskStatus.SKIPPED and skipped.skip_reason == SkipReason.SELF
    assert pending_assignees(request) == ["boss"]
    assert ApprovalTask.objects.get(request=request, assignee=org.executive).origin == TaskOrigin.ESCALATION
    assert TimelineKind.ESCALATED in kinds(request)
    services.approval_decide(actor=org.executive, request=request, decision="approve")
    request.refresh_from_db()
    assert request.current_tier == 1


def test_approval_submit_fails_clearly_when_nobody_can_approve(org, use_flows):
    use_flows(
        [
            {
                "process": "finance.reimbursement",
                "tiers": [{"name": "Self", "reviewers": [{"user": "applicant"}]}],
            }
        ],
        escalate_to_role="security_officer",
    )
    with pytest.raises(ValidationError, match="Nobody can approve"):
        services.approval_submit(actor=org.applicant, document=org.claim())
    assert not ApprovalRequest.objects.exists()


def test_approval_submit_skips_a_reviewer_who_already_approved_an_earlier_tier(org, use_flows):
    use_flows(
        [
            {
                "process": "finance.reimbursement",
                "tiers": [
                    {"name": "Manager", "reviewers": [{"relation": "applicant_manager"}]},
                    {"name": "Ops", "reviewers": [{"role": "operations_manager"}]},
                    {"name": "Finance", "reviewers": [{"role": "finance_officer"}]},
                ],
            }
        ]
    )
    request = services.approval_submit(actor=org.applicant, document=org.claim())
    assert pending_assignees(request) == ["manager"]
    services.approval_decide(actor=org.manager, request=request, decision="approve")
    request.refresh_from_db()
    # The manager is also the operations manager: tier 2 is carried over, finance is next.
    assert request.current_tier == 2
    carried = ApprovalTask.objects.get(request=request, tier_index=1, assignee=org.manager)
    assert carried.skip_reason == SkipReason.ALREADY_APPROVED
    assert pending_assignees(request) == ["finance1", "finance2"]


def test_approval_submit_resolves_relations_owner_and_user(org, use_flows):
    use_flows(
        [
            {
                "process": "projects.plan",
                "tiers": [
                    {"name": "Owner", "reviewers": [{"relation": "owner"}]},
                    {"name": "Named", "reviewers": [{"user": "colleague"}]},
                ],
            }
        ]
    )
    plan = org.plan(owner=org.manager)
    plan.approval_can_submit = lambda user: True
    request = services.approval_submit(actor=org.applicant, document=plan)
    assert pending_assignees(request) == ["manager"]
    services.approval_decide(actor=org.manager, request=request, decision="approve")
    assert pending_assignees(request) == ["colleague"]


# --- approval_decide ---------------------------------------------------------------------------------
def test_approval_decide_through_every_tier_calls_on_approved_once(
    org, django_capture_on_commit_callbacks, events
):
    claim = org.claim()
    request = services.approval_submit(actor=org.applicant, document=claim)
    services.approval_decide(actor=org.head, request=request, decision="approve", comment="同意")
    with django_capture_on_commit_callbacks(execute=True):
        services.approval_decide(actor=org.finance2, request=request, decision="approve")
    request.refresh_from_db()
    claim.refresh_from_db()
    assert request.status == RequestStatus.APPROVED and request.finished_at is not None
    assert claim.callbacks == ["submitted", "approved"]
    # finance1 was not needed ("any"): their task is no longer waiting.
    assert ApprovalTask.objects.get(request=request, assignee=org.finance1).status == TaskStatus.CANCELLED
    assert ("approved", request.pk, ["applicant"]) in events


def test_approval_decide_reject_needs_a_reason_and_is_final(org):
    claim = org.claim()
    request = services.approval_submit(actor=org.applicant, document=claim)
    with pytest.raises(ValidationError) as error:
        services.approval_decide(actor=org.head, request=request, decision="reject", comment="  ")
    assert "comment" in error.value.message_dict
    services.approval_decide(actor=org.head, request=request, decision="reject", comment="超出预算")
    request.refresh_from_db()
    claim.refresh_from_db()
    assert request.status == RequestStatus.REJECTED
    assert claim.state == "rejected"
    with pytest.raises(ValidationError, match="can no longer be decided"):
        services.approval_decide(actor=org.finance1, request=request, decision="approve")
    with pytest.raises(ValidationError, match="finished"):
        services.approval_submit(actor=org.applicant, document=claim)


def test_approval_decide_refuses_bad_decision_twice_self_and_outsiders(org, use_flows):
    use_flows(
        [
            {
                "process": "finance.reimbursement",
                "tiers": [{"name": "Finance", "reviewers": [{"role": "finance_officer"}], "mode": "all"}],
            }
        ]
    )
    request = services.approval_submit(actor=org.applicant, document=org.claim())
    with pytest.raises(ValidationError) as error:
        services.approval_decide(actor=org.finance1, request=request, decision="maybe")
    assert "decision" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.approval_decide(actor=org.applicant, request=request, decision="approve")
    with pytest.raises(PermissionDenied, match="not an approver"):
        services.approval_decide(actor=org.colleague, request=request, decision="approve")
    services.approval_decide(actor=org.finance1, request=request, decision="approve")
    with pytest.raises(ValidationError, match="already decided"):
        services.approval_decide(actor=org.finance1, request=request, decision="approve")


def test_approval_decide_mode_all_needs_everyone_and_one_rejection_rejects(org, use_flows):
    use_flows(
        [
            {
                "process": "finance.reimbursement",
                "tiers": [{"name": "Finance", "reviewers": [{"role": "finance_officer"}], "mode": "all"}],
            }
        ]
    )
    approved = services.approval_submit(actor=org.applicant, document=org.claim())
    services.approval_decide(actor=org.finance1, request=approved, decision="approve")
    approved.refresh_from_db()
    assert approved.status == RequestStatus.PENDING
    services.approval_decide(actor=org.finance2, request=approved, decision="approve")
    approved.refresh_from_db()
    assert approved.status == RequestStatus.APPROVED

    rejected = services.approval_submit(actor=org.applicant, document=org.claim(title="another"))
    services.approval_decide(actor=org.finance1, request=rejected, decision="approve")
    services.approval_decide(actor=org.finance2, request=rejected, decision="reject", comment="票据不全")
    rejected.refresh_from_db()
    assert rejected.status == RequestStatus.REJECTED


def test_approval_decide_mode_any_first_decision_decides(org, use_flows):
    use_flows(
        [
            {
                "process": "finance.reimbursement",
                "tiers": [{"name": "F", "reviewers": [{"role": "finance_officer"}]}],
            }
        ]
    )
    request = services.approval_submit(actor=org.applicant, document=org.claim())
    services.approval_decide(actor=org.finance2, request=request, decision="approve")
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    with pytest.raises(ValidationError):
        services.approval_decide(actor=org.finance1, request=request, decision="approve")


def test_approval_decide_mode_quorum(org, staff, use_flows):
    use_flows(
        [
            {
                "process": "projects.plan",
                "tiers": [
                    {
                        "name": "Departments",
                        "reviewers": [{"role": "operations_manager"}, {"role": "finance_officer"}],
                        "mode": "quorum",
                        "quorum": 2,
                    }
                ],
            }
        ]
    )
    plan = org.plan()
    request = services.approval_submit(actor=org.applicant, document=plan)
    assert pending_assignees(request) == ["finance1", "finance2", "manager"]
    services.approval_decide(actor=org.manager, request=request, decision="approve")
    services.approval_decide(actor=org.finance1, request=request, decision="reject", comment="风险未评估")
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING  # 1 approval + 1 waiting can still reach 2
    services.approval_decide(actor=org.finance2, request=request, decision="approve")
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED

    second = services.approval_submit(actor=org.applicant, document=org.plan(title="第二个计划"))
    services.approval_decide(actor=org.finance1, request=second, decision="reject", comment="不可行")
    services.approval_decide(actor=org.finance2, request=second, decision="reject", comment="不可行")
    second.refresh_from_db()
    assert second.status == RequestStatus.REJECTED  # the quorum can no longer be reached


def test_approval_decide_quorum_is_capped_by_approvers_left_after_the_applicant(org, use_flows):
    use_flows(
        [
            {
                "process": "projects.plan",
                "tiers": [
                    {
                        "name": "Pair",
                        "reviewers": [{"user": "applicant"}, {"user": "colleague"}],
                        "mode": "quorum",
                        "quorum": 2,
                    }
                ],
            }
        ]
    )
    request = services.approval_submit(actor=org.applicant, document=org.plan())
    services.approval_decide(actor=org.colleague, request=request, decision="approve")
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED


# --- send back and resubmit --------------------------------------------------------------------------
def test_approval_decide_send_back_and_resubmit(org, django_capture_on_commit_callbacks, events):
    claim = org.claim()
    request = services.approval_submit(actor=org.applicant, document=claim)
    services.approval_decide(actor=org.head, request=request, decision="approve")
    with django_capture_on_commit_callbacks(execute=True):
        services.approval_decide(
            actor=org.finance1, request=request, decision="send_back", comment="请补充发票"
        )
    request.refresh_from_db()
    claim.refresh_from_db()
    assert request.status == RequestStatus.SENT_BACK
    assert claim.state == "sent_back"
    assert pending_assignees(request) == []
    assert ("sent_back", request.pk, ["applicant"]) in events
    with pytest.raises(ValidationError):
        services.approval_decide(actor=org.finance2, request=request, decision="approve")
    # The applicant changes the document and submits again: a new round from the first tier.
    claim.amount = 8000
    claim.save()
    again = services.approval_submit(actor=org.applicant, document=claim)
    assert again.pk == request.pk
    assert again.round == 2 and again.current_tier == 0 and again.status == RequestStatus.PENDING
    assert [t["applies"] for t in again.tiers] == [True, True, True]
    assert TimelineKind.RESUBMITTED in kinds(again)
    # The head's approval in round 1 does not carry into round 2.
    assert pending_assignees(again) == ["head"]


# --- approval_withdraw ---------------------------------------------------------------------------------
def test_approval_withdraw_by_the_applicant_while_pending(org):
    claim = org.claim()
    request = services.approval_submit(actor=org.applicant, document=claim)
    with pytest.raises(PermissionDenied):
        services.approval_withdraw(actor=org.head, request=request)
    services.approval_withdraw(actor=org.applicant, request=request, comment="写错了")
    request.refresh_from_db()
    claim.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN
    assert claim.state == "withdrawn"
    assert pending_assignees(request) == []
    with pytest.raises(ValidationError, match="no longer be decided: it is “Withdrawn”"):
        services.approval_decide(actor=org.head, request=request, decision="approve")
    with pytest.raises(ValidationError, match="Only a pending request"):
        services.approval_withdraw(actor=org.applicant, request=request)
    resubmitted = services.approval_submit(actor=org.applicant, document=claim)
    assert resubmitted.status == RequestStatus.PENDING and resubmitted.round == 2


def test_approval_withdraw_refused_once_finished(org, use_flows):
    use_flows(
        [
            {
                "process": "finance.reimbursement",
                "tiers": [{"name": "F", "reviewers": [{"role": "finance_officer"}]}],
            }
        ]
    )
    request = services.approval_submit(actor=org.applicant, document=org.claim())
    services.approval_decide(actor=org.finance1, request=request, decision="approve")
    with pytest.raises(ValidationError):
        services.approval_withdraw(actor=org.applicant, request=request)


# --- approval_add_reviewer -------------------------------------------------------------------------------
def test_approval_add_reviewer_must_approve_too(org, events, django_capture_on_commit_callbacks):
    request = services.approval_submit(actor=org.applicant, document=org.claim())
    with pytest.raises(PermissionDenied):
        services.approval_add_reviewer(actor=org.colleague, request=request, user=org.manager)
    with pytest.raises(ValidationError) as error:
        services.approval_add_reviewer(actor=org.head, request=request, user=org.applicant)
    assert "user" in error.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        task = services.approval_add_reviewer(
            actor=org.head, request=request, user=org.manager, comment="请把关"
        )
    assert task.origin == TaskOrigin.ADDED and task.added_by == org.head
    assert ("task_assigned", request.pk, ["manager"]) in events
    with pytest.raises(ValidationError, match="already an approver"):
        services.approval_add_reviewer(actor=org.head, request=request, user=org.manager)
    services.approval_decide(actor=org.head, request=request, decision="approve")
    request.refresh_from_db()
    assert request.current_tier == 0  # waits for the added approver
    services.approval_decide(actor=org.manager, request=request, decision="approve")
    request.refresh_from_db()
    assert request.current_tier == 1


def test_approval_add_reviewer_rejection_rejects(org):
    request = services.approval_submit(actor=org.applicant, document=org.claim())
    services.approval_add_reviewer(actor=org.head, request=request, user=org.manager)
    services.approval_decide(actor=org.manager, request=request, decision="reject", comment="不合规")
    request.refresh_from_db()
    assert request.status == RequestStatus.REJECTED


# --- approval_cc ---------------------------------------------------------------------------------------------
def test_approval_cc_by_participants_only(org, use_flows):
    use_flows(
        [
            {
                "process": "finance.reimbursement",
                "cc_roles": ["executive"],
                "tiers": [{"name": "F", "reviewers": [{"role": "finance_officer"}]}],
            }
        ]
    )
    request = services.approval_submit(actor=org.applicant, document=org.claim())
    assert list(request.ccs.values_list("user__username", flat=True)) == ["boss"]
    with pytest.raises(PermissionDenied):
        services.approval_cc(actor=org.colleague, request=request, users=[org.manager])
    created = services.approval_cc(actor=org.applicant, request=request, users=[org.manager])
    assert [cc.user for cc in created] == [org.manager]
    with pytest.raises(ValidationError, match="already CC"):
        services.approval_cc(actor=org.finance1, request=request, users=[org.manager])
    assert ApprovalCC.objects.filter(request=request).count() == 2


# --- approval_delegate -----------------------------------------------------------------------------------------
def test_approval_delegate_lets_the_delegate_decide_within_the_dates(org):
    today = timezone.localdate()
    delegation = services.approval_delegate(
        actor=org.head, delegate=org.colleague, start=today, end=today + datetime.timedelta(days=3)
    )
    request = services.approval_submit(actor=org.applicant, document=org.claim())
    from whitewall.approvals.selectors import todo_count

    assert todo_count(org.colleague) == 1
    task = services.approval_decide(actor=org.colleague, request=request, decision="approve")
    assert task.assignee == org.head and task.decided_by == org.colleague
    entry = request.timeline.get(kind=TimelineKind.APPROVED)
    assert entry.actor == org.colleague and entry.on_behalf_of == org.head
    services.approval_delegation_end(actor=org.head, delegation=delegation)
    with pytest.raises(ValidationError, match="already ended"):
        services.approval_delegation_end(actor=org.head, delegation=delegation)


def test_approval_delegate_outside_the_dates_or_other_process_gives_no_right(org):
    today = timezone.localdate()
    services.approval_delegate(
        actor=org.head,
        delegate=org.colleague,
        start=today + datetime.timedelta(days=1),
        end=today + datetime.timedelta(days=5),
    )
    services.approval_delegate(
        actor=org.finance1, delegate=org.colleague, start=today, end=today, process="people.offer"
    )
    request = services.approval_submit(actor=org.applicant, document=org.claim())
    with pytest.raises(PermissionDenied):
        services.approval_decide(actor=org.colleague, request=request, decision="approve")
    services.approval_decide(actor=org.head, request=request, decision="approve")
    with pytest.raises(PermissionDenied):  # finance1's delegation covers only people.offer
        services.approval_decide(actor=org.colleague, request=request, decision="approve")


def test_approval_delegate_validates_its_input(org):
    today = timezone.localdate()
    cases = [
        ({"delegate": org.head, "start": today, "end": today}, "delegate"),
        ({"delegate": org.colleague, "start": today, "end": today - datetime.timedelta(days=1)}, "end"),
        (
            {
                "delegate": org.colleague,
                "start": today - datetime.timedelta(days=9),
                "end": today - datetime.timedelta(days=2),
            },
            "end",
        ),
        ({"delegate": org.colleague, "start": today, "end": today, "process": "no.such"}, "process"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as error:
            services.approval_delegate(actor=org.head, **kwargs)
        assert field in error.value.message_dict, (kwargs, error.value)
    services.approval_delegate(actor=org.head, delegate=org.colleague, start=today, end=today)
    with pytest.raises(ValidationError) as error:
        services.approval_delegate(actor=org.head, delegate=org.manager, start=today, end=today)
    assert "start" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        from whitewall.approvals.models import Delegation

        services.approval_delegation_end(actor=org.colleague, delegation=Delegation.objects.get())


# --- reminders and escalation ----------------------------------------------------------------------------------
def test_approval_remind_overdue_reminds_then_escalates_once(org, django_capture_on_commit_callbacks, events):
    request = services.approval_submit(actor=org.applicant, document=org.claim())
    started = request.tier_started_at
    assert services.approval_remind_overdue(now=started + datetime.timedelta(hours=1)) == {
        "reminded": 0,
        "escalated": 0,
    }
    later = started + datetime.timedelta(hours=25)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.approval_remind_overdue(now=later) == {"reminded": 1, "escalated": 0}
    assert services.approval_remind_overdue(now=later) == {"reminded": 0, "escalated": 0}
    assert ("reminder", request.pk, ["head"]) in events
    much_later = started + datetime.timedelta(hours=73)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.approval_remind_overdue(now=much_later) == {"reminded": 0, "escalated": 1}
    assert services.approval_remind_overdue(now=much_later) == {"reminded": 0, "escalated": 0}
    assert ("escalated", request.pk, ["boss"]) in events
    assert kinds(request).count(TimelineKind.REMINDED) == 1
    assert kinds(request).count(TimelineKind.ESCALATED) == 1
    # The escalation approver decides the tier alone.
    services.approval_decide(actor=org.executive, request=request, decision="approve")
    request.refresh_from_db()
    assert request.current_tier == 1 and request.reminded_at is None and request.escalated_at is None


def test_approval_remind_overdue_uses_the_tiers_own_hours(org, use_flows):
    use_flows(
        [
            {
                "process": "finance.reimbursement",
                "tiers": [{"name": "F", "reviewers": [{"role": "finance_officer"}], "reminder_hours": 2}],
            }
        ]
    )
    request = services.approval_submit(actor=org.applicant, document=org.claim())
    assert (
        services.approval_remind_overdue(now=request.tier_started_at + datetime.timedelta(hours=3))[
            "reminded"
        ]
        == 1
    )


def test_the_periodic_task_runs_the_service(org):
    from whitewall.approvals.tasks import approvals_remind_overdue

    request = services.approval_submit(actor=org.applicant, document=org.claim())
    ApprovalRequest.objects.filter(pk=request.pk).update(
        tier_started_at=timezone.now() - datetime.timedelta(hours=30)
    )
    approvals_remind_overdue.call_local()
    request.refresh_from_db()
    assert request.reminded_at is not None


# --- conditions -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("op", "expected", "value", "holds"),
    [
        (">", 5000, "5000.01", True),
        (">", 5000, "5000", False),
        (">=", 5000, "5000", True),
        ("<", 10, "9.99", True),
        ("<=", 10, "10.01", False),
        ("==", "urgent", "urgent", True),
        ("!=", "urgent", "normal", True),
        ("in", ["a", "b"], "b", True),
        ("not in", ["a", "b"], "c", True),
        ("in", [1, 2], "2", True),
        (">", 5000, "not a number", False),
        (">", 5000, None, False),
    ],
)
def test_conditions_are_evaluated_without_eval(op, expected, value, holds):
    from decimal import Decimal

    from whitewall.approvals.conditions import evaluate

    if isinstance(value, str) and value.replace(".", "").isdigit() and op in (">", ">=", "<", "<="):
        value = Decimal(value)
    assert evaluate({"field": "x", "op": op, "value": expected}, value) is holds


def test_conditions_read_fields_safely():
    from whitewall.approvals.conditions import MISSING, read_field

    class Doc:
        amount = 3
        _secret = 1

        def method(self):
            return 1

    assert read_field(Doc(), "amount") == 3
    assert read_field(Doc(), "_secret") is MISSING
    assert read_field(Doc(), "method") is MISSING
    assert read_field(Doc(), "nothing.here") is MISSING
