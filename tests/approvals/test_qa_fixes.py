"""QA findings on the approval engine: the auditor (reads everything, changes nothing) cannot decide
approvals through a delegation or an added approver; decision comments and delegations have limits;
long unbroken comments wrap on the request page."""

from __future__ import annotations

import datetime
import json

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from whitewall.accounts.models import User
from whitewall.approvals import services
from whitewall.approvals.models import Delegation, RequestStatus, TaskStatus
from whitewall.approvals.selectors import may_decide, todo_count, todo_tasks
from whitewall.core.testing import login

pytestmark = pytest.mark.django_db

LONG = "x" * 20_000


def fresh(user) -> User:
    """The user as a new request would load them (permissions are cached on the user object)."""
    return User.objects.get(pk=user.pk)


def client_for(user) -> Client:
    client = Client()
    login(client, user)
    return client


def post_json(user, url, data):
    return client_for(user).post(url, data=json.dumps(data), content_type="application/json")


@pytest.fixture
def auditor(org, staff):
    return staff("auditor", roles=["auditor"], department=org.department)


# --- 1. the auditor never decides ------------------------------------------------------------------------
def test_only_those_who_may_decide_approvals_may_decide(org, auditor):
    assert may_decide(fresh(org.colleague)) and may_decide(fresh(org.head))
    assert not may_decide(fresh(auditor))


def test_delegating_to_an_auditor_is_refused_on_the_delegate_field(org, auditor):
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.approval_delegate(
            actor=org.head, delegate=auditor, start=tomorrow, end=tomorrow + datetime.timedelta(days=1)
        )
    assert list(error.value.message_dict) == ["delegate"]
    assert not Delegation.objects.exists()


def test_a_delegation_gives_no_power_to_someone_who_may_not_decide(org, auditor):
    today = timezone.localdate()
    # Made while the colleague was an operator; they have since become an auditor.
    services.approval_delegate(actor=org.head, delegate=org.colleague, start=today, end=today)
    # And one recorded directly (e.g. before this rule existed) to the auditor.
    Delegation.objects.create(delegator=org.head, delegate=auditor, start=today, end=today, process="x.y")
    org.colleague.groups.set([Group.objects.get(name="auditor")])
    request = services.approval_submit(actor=org.applicant, document=org.claim("20000.00"))

    for reader in (fresh(org.colleague), fresh(auditor)):
        assert todo_count(reader) == 0
        assert not todo_tasks(reader).exists()
        with pytest.raises(PermissionDenied):
            services.approval_decide(actor=reader, request=request, decision="approve")
        with pytest.raises(PermissionDenied):
            services.approval_add_reviewer(actor=reader, request=request, user=org.manager)
    request.refresh_from_db()
    assert request.current_tier == 0 and request.status == RequestStatus.PENDING
    assert request.tasks.get(assignee=org.head).status == TaskStatus.PENDING
    # The approver themself still decides.
    services.approval_decide(actor=fresh(org.head), request=request, decision="approve")


def test_an_auditor_cannot_be_added_as_an_approver(org, auditor):
    request = services.approval_submit(actor=org.applicant, document=org.claim())
    with pytest.raises(ValidationError) as error:
        services.approval_add_reviewer(actor=org.head, request=request, user=auditor)
    assert list(error.value.message_dict) == ["user"]
    assert not request.tasks.filter(assignee=auditor).exists()


# --- 2. a comment has a limit ------------------------------------------------------------------------
def test_an_overlong_comment_is_refused_naming_the_field(org):
    request = services.approval_submit(actor=org.applicant, document=org.claim())
    with pytest.raises(ValidationError) as error:
        services.approval_decide(actor=org.head, request=request, decision="approve", comment=LONG)
    assert list(error.value.message_dict) == ["comment"]
    assert request.tasks.get(assignee=org.head).status == TaskStatus.PENDING
    for call in (
        lambda: services.approval_add_reviewer(
            actor=org.head, request=request, user=org.manager, comment=LONG
        ),
        lambda: services.approval_withdraw(actor=org.applicant, request=request, comment=LONG),
    ):
        with pytest.raises(ValidationError) as error:
            call()
        assert list(error.value.message_dict) == ["comment"]
    limit = "y" * services.COMMENT_MAX_LENGTH
    task = services.approval_decide(actor=org.head, request=request, decision="approve", comment=limit)
    assert task.comment == limit


# --- 3. a delegation has a limit ---------------------------------------------------------------------
def test_an_overlong_delegation_is_refused_naming_the_end_date(org):
    today = timezone.localdate()
    for end in (today + datetime.timedelta(days=36_525), today + datetime.timedelta(days=366)):
        with pytest.raises(ValidationError) as error:
            services.approval_delegate(actor=org.head, delegate=org.colleague, start=today, end=end)
        assert list(error.value.message_dict) == ["end"]
    assert not Delegation.objects.exists()
    longest = today + datetime.timedelta(days=services.DELEGATION_MAX_DAYS - 1)
    delegation = services.approval_delegate(actor=org.head, delegate=org.colleague, start=today, end=longest)
    assert (delegation.end - delegation.start).days + 1 == services.DELEGATION_MAX_DAYS


# --- the errors reach the user: console ------------------------------------------------------------
def test_console_delegation_form_names_the_field(org, auditor):
    client = client_for(org.head)
    url = reverse("approvals:delegation_mine")
    today = timezone.localdate()
    response = client.post(url, {"delegate": auditor.pk, "start": today, "end": today})
    assert response.status_code == 422
    assert 'data-field="delegate"' in response.content.decode()
    far = today + datetime.timedelta(days=36_525)
    response = client.post(url, {"delegate": org.colleague.pk, "start": today, "end": far})
    assert response.status_code == 422
    assert 'data-field="end"' in response.content.decode()
    assert not Delegation.objects.exists()


def test_console_long_comments_wrap_in_the_steps_and_the_timeline(org):
    request = services.approval_submit(actor=org.applicant, document=org.claim())
    comment = "z" * services.COMMENT_MAX_LENGTH
    services.approval_decide(actor=org.head, request=request, decision="approve", comment=comment)
    page = client_for(org.applicant).get(reverse("approvals:approvalrequest_detail", args=[request.pk]))
    html = page.content.decode()
    assert comment in html
    assert 'class="text-muted text-break" data-testid="task-comment"' in html
    assert 'class="mt-1 text-break" data-testid="timeline-comment"' in html


def test_console_decision_form_refuses_an_overlong_comment(org):
    request = services.approval_submit(actor=org.applicant, document=org.claim())
    url = reverse("approvals:approvalrequest_decide", args=[request.pk])
    response = client_for(org.head).post(url, {"decision": "approve", "comment": LONG})
    assert response.status_code == 422
    assert 'data-field="comment"' in response.content.decode()
    assert request.tasks.get(assignee=org.head).status == TaskStatus.PENDING


# --- the errors reach the user: API ----------------------------------------------------------------
def test_api_names_the_field(org, auditor):
    today = timezone.localdate()
    url = reverse("api:approvals-delegation-list")
    response = post_json(org.head, url, {"delegate": auditor.pk, "start": str(today), "end": str(today)})
    assert response.status_code == 400, response.content
    assert "delegate" in response.json()["errors"]
    far = today + datetime.timedelta(days=36_525)
    response = post_json(org.head, url, {"delegate": org.colleague.pk, "start": str(today), "end": str(far)})
    assert response.status_code == 400, response.content
    assert "end" in response.json()["errors"]
    assert not Delegation.objects.exists()

    request = services.approval_submit(actor=org.applicant, document=org.claim())
    decide = reverse("api:approvals-approvalrequest-decide", kwargs={"pk": request.pk})
    response = post_json(org.head, decide, {"decision": "approve", "comment": LONG})
    assert response.status_code == 400, response.content
    assert "comment" in response.json()["errors"]
    # An auditor holding a delegation (made before the rule) cannot decide through the API either.
    Delegation.objects.create(delegator=org.head, delegate=auditor, start=today, end=today)
    response = post_json(auditor, decide, {"decision": "approve"})
    assert response.status_code == 403, response.content
    assert request.tasks.get(assignee=org.head).status == TaskStatus.PENDING
