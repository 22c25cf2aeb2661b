"""The approval engine's and the regulation board's signals reach people's inboxes: approvers get
their tasks, applicants hear of send-backs and decisions, CCs, reminders and escalations arrive,
staff are reminded to acknowledge the regulation — and a failing notification never breaks the
approval itself."""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from whitewall.accounts.models import Department, StaffProfile, User
from whitewall.approvals import services as approvals
from whitewall.approvals.models import RequestStatus
from whitewall.config.policy import Policy
from whitewall.core.testing import login
from whitewall.core.testing.jobs import flush_queue
from whitewall.notifications import services as notifications
from whitewall.notifications.models import Delivery, Notification
from whitewall.notifications.registry import EMAIL, INAPP, get_kind
from whitewall.regulation import services as regulation
from whitewall.regulation.testing import make_staff as make_regulation_staff
from whitewall.regulation.testing import make_version

pytestmark = pytest.mark.django_db

FLOW = {
    "process": "finance.reimbursement",
    "tiers": [
        {"name": "Department head", "reviewers": [{"relation": "department_head"}]},
        {"name": "Finance audit", "reviewers": [{"role": "finance_officer"}]},
    ],
}


def make_staff(username, role, department, manager=None) -> User:
    user = User.objects.create_user(
        username=username, email=f"{username}@example.com", is_staff=True, full_name=username.title()
    )
    user.groups.add(Group.objects.get(name=role))
    StaffProfile.objects.create(
        user=user, employee_no=f"N-{username}", department=department, manager=manager
    )
    return user


class Org:
    def __init__(self):
        self.department = Department.objects.get(code="operations")
        self.head = make_staff("head", "department_head", self.department)
        self.department.head = self.head
        self.department.save()
        self.applicant = make_staff("applicant", "operator", self.department)
        self.finance = make_staff("finance1", "finance_officer", self.department)
        self.executive = make_staff("boss", "executive", self.department)
        self.colleague = make_staff("colleague", "operator", self.department)

    def claim(self, title="出差报销 · 上海"):
        from whitewall.testapps.approvals.models import TestClaim

        return TestClaim.objects.create(
            applicant=self.applicant, amount=Decimal("1200.00"), title=title, department=self.department
        )


@pytest.fixture
def org(monkeypatch):
    flush_queue()
    policy = Policy.model_validate({"approvals": {"flows": [FLOW], "escalate_to_role": "executive"}})
    monkeypatch.setattr(approvals, "get_policy", lambda: policy)
    return Org()


@pytest.fixture
def submitted(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = approvals.approval_submit(actor=org.applicant, document=org.claim())
    return request


def notes(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind))


def detail_url(request) -> str:
    return reverse("approvals:approvalrequest_detail", kwargs={"pk": request.pk})


# --- approval events ------------------------------------------------------------------------------------
def test_submit_tells_the_first_tier_approvers_in_app_and_by_email(org, submitted, client):
    [note] = notes(org.head, "approvals.task_assigned")
    assert note.title == "Approval waiting for you: 出差报销 · 上海"
    assert "Applicant" in note.body and "Department head" in note.body
    assert note.url == detail_url(submitted)
    assert (note.object_type, note.object_id) == ("approvals.approvalrequest", str(submitted.pk))
    assert not Notification.objects.filter(recipient=org.finance).exists()  # not their tier yet
    assert Delivery.objects.filter(recipient=org.head, kind="approvals.task_assigned").exists()
    assert any(message.to == ["head@example.com"] for message in mail.outbox)
    # The kinds are registered with their channels, and people choose them on the settings page.
    for key in ("approvals.cc", "approvals.decided", "approvals.withdrawn", "regulation.acknowledgement_due"):
        assert get_kind(key).default_channels == (INAPP,), key
    for key in (
        "approvals.task_assigned",
        "approvals.sent_back",
        "approvals.reminder",
        "approvals.escalated",
    ):
        assert get_kind(key).default_channels == (INAPP, EMAIL), key
    login(client, org.head)
    page = client.get(reverse("notifications:notification_preferences")).content.decode()
    assert 'value="approvals.task_assigned:email"' in page
    assert 'value="regulation.acknowledgement_due:inapp"' in page
    # The bell counts it.
    assert notifications.unread_count(org.head) == 1


def test_approving_a_tier_tells_the_next_tier(org, submitted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        approvals.approval_decide(actor=org.head, request=submitted, decision="approve")
    assert len(notes(org.finance, "approvals.task_assigned")) == 1


def test_send_back_tells_the_applicant_with_the_reason(org, submitted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        approvals.approval_decide(
            actor=org.head, request=submitted, decision="send_back", comment="请补充发票原件"
        )
    [note] = notes(org.applicant, "approvals.sent_back")
    assert note.title == "Approval request sent back for changes: 出差报销 · 上海"
    assert "Decided by Head." in note.body
    assert "Reason: 请补充发票原件" in note.body
    assert note.url == detail_url(submitted)


def test_reject_and_approve_tell_the_applicant_and_the_ccs(org, django_capture_on_commit_callbacks):
    rejected = approvals.approval_submit(actor=org.applicant, document=org.claim("被驳回的报销"))
    approved = approvals.approval_submit(actor=org.applicant, document=org.claim("通过的报销"))
    approvals.approval_cc(actor=org.applicant, request=approved, users=[org.colleague])
    with django_capture_on_commit_callbacks(execute=True):
        approvals.approval_decide(actor=org.head, request=rejected, decision="reject", comment="超出标准")
        approvals.approval_decide(actor=org.head, request=approved, decision="approve")
        approvals.approval_decide(actor=org.finance, request=approved, decision="approve", comment="OK")
    titles = sorted(n.title for n in notes(org.applicant, "approvals.decided"))
    assert titles == [
        "Approval request approved: 通过的报销",
        "Approval request rejected: 被驳回的报销",
    ]
    rejection = Notification.objects.get(recipient=org.applicant, title__contains="rejected")
    assert "Reason: 超出标准" in rejection.body
    approval = Notification.objects.get(recipient=org.applicant, title__contains="approved")
    assert "Decided by Finance1." in approval.body and "Comment: OK" in approval.body
    assert [n.title for n in notes(org.colleague, "approvals.decided")] == [
        "Approval request approved: 通过的报销"
    ]


def test_cc_tells_the_person_cc_d(org, submitted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        approvals.approval_cc(actor=org.applicant, request=submitted, users=[org.colleague])
    [note] = notes(org.colleague, "approvals.cc")
    assert note.title == "You were CC'd on an approval request: 出差报销 · 上海"
    assert note.url == detail_url(submitted)


def test_withdraw_tells_the_waiting_approvers(org, submitted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        approvals.approval_withdraw(actor=org.applicant, request=submitted, comment="金额填错了")
    [note] = notes(org.head, "approvals.withdrawn")
    assert "Withdrawn by Applicant." in note.body and "Reason: 金额填错了" in note.body


def test_reminder_tells_the_approvers_and_escalation_tells_the_role(
    org, submitted, django_capture_on_commit_callbacks
):
    started = submitted.tier_started_at
    with django_capture_on_commit_callbacks(execute=True):
        approvals.approval_remind_overdue(now=started + datetime.timedelta(hours=25))
    [reminder] = notes(org.head, "approvals.reminder")
    assert reminder.title == "Reminder: an approval is still waiting for you: 出差报销 · 上海"
    assert "Department head" in reminder.body
    assert not notes(org.executive, "approvals.escalated")
    with django_capture_on_commit_callbacks(execute=True):
        approvals.approval_remind_overdue(now=started + datetime.timedelta(hours=73))
    [escalation] = notes(org.executive, "approvals.escalated")
    assert escalation.title == "Escalated approval waiting for you: 出差报销 · 上海"
    assert escalation.url == detail_url(submitted)
    assert any(message.to == ["boss@example.com"] for message in mail.outbox)


def test_the_approvers_preferences_choose_the_channels(org, django_capture_on_commit_callbacks):
    notifications.preferences_save(actor=org.head, enabled={("approvals.task_assigned", EMAIL)})
    with django_capture_on_commit_callbacks(execute=True):
        approvals.approval_submit(actor=org.applicant, document=org.claim())
    assert not Notification.objects.filter(recipient=org.head).exists()  # in-app switched off
    assert Delivery.objects.get(recipient=org.head).kind == "approvals.task_assigned"


def test_a_failing_notification_does_not_break_the_decision(
    org, submitted, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken(**kwargs):
        raise RuntimeError("the inbox is on fire")

    monkeypatch.setattr(notifications, "notify", broken)
    with (
        caplog.at_level(logging.ERROR, logger="whitewall.notifications.receivers"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        approvals.approval_decide(
            actor=org.head, request=submitted, decision="send_back", comment="请补充发票"
        )
    submitted.refresh_from_db()
    assert submitted.status == RequestStatus.SENT_BACK
    assert not notes(org.applicant, "approvals.sent_back")
    assert any("approval event sent_back" in record.getMessage() for record in caplog.records)


# --- regulation acknowledgement ---------------------------------------------------------------------
def test_acknowledgement_reminder_reaches_the_inbox(django_capture_on_commit_callbacks):
    make_version("2.1")
    reader = make_regulation_staff("reader")
    with django_capture_on_commit_callbacks(execute=True):
        assert regulation.acknowledgement_reminders_send() == 1
    [note] = notes(reader, "regulation.acknowledgement_due")
    assert note.title == "Please read and acknowledge regulation version 2.1"
    assert "Regulation 2.1" in note.body
    assert note.url == reverse("regulation:acknowledgement_mine")


def test_a_failing_acknowledgement_notification_does_not_break_the_reminders(
    django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken(**kwargs):
        raise RuntimeError("the inbox is on fire")

    monkeypatch.setattr(notifications, "notify", broken)
    make_version("2.1")
    make_regulation_staff("reader")
    make_regulation_staff("other")
    with (
        caplog.at_level(logging.ERROR, logger="whitewall.notifications.receivers"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert regulation.acknowledgement_reminders_send() == 2
    assert not Notification.objects.exists()
    failures = [r for r in caplog.records if "acknowledge regulation version" in r.getMessage()]
    assert len(failures) == 2
