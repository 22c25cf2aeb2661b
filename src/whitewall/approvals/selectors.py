"""Reads shared by the inbox, the sidebar badge and the request pages."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from whitewall.approvals.models import (
    ApprovalCC,
    ApprovalRequest,
    ApprovalTask,
    Delegation,
    RequestStatus,
    TaskStatus,
)
from whitewall.core.permissions import has_model_permission

DECIDE = "decide"


def may_decide(user) -> bool:
    """Whether ``user`` may decide approvals at all: ``decide`` on approval tasks (every role but the
    auditor, who reads everything and changes nothing). Needed to act as someone's delegate."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and has_model_permission(user, ApprovalTask, DECIDE)
    )


def _assignee_scope(user) -> Q:
    """Tasks assigned to ``user``, or to someone who delegated their approvals to ``user`` today
    (only if ``user`` may decide approvals: a delegation to a reader gives them nothing to do)."""
    scope = Q(assignee=user)
    if not may_decide(user):
        return scope
    for delegator_id, process in (
        Delegation.objects.active_on(timezone.localdate())
        .filter(delegate=user)
        .values_list("delegator_id", "process")
    ):
        rule = Q(assignee_id=delegator_id)
        if process:
            rule &= Q(request__process=process)
        scope |= rule
    return scope


def todo_tasks(user):
    """待办: steps waiting for the user's decision (their own, or delegated to them)."""
    if not (user and user.is_authenticated):
        return ApprovalTask.objects.none()
    return (
        ApprovalTask.objects.filter(
            _assignee_scope(user), status=TaskStatus.PENDING, request__status=RequestStatus.PENDING
        )
        .exclude(request__submitted_by=user)
        .select_related("request", "request__submitted_by", "assignee")
        .order_by("request__tier_started_at", "pk")
    )


def todo_count(user) -> int:
    return todo_tasks(user).values("request_id").distinct().count()


def done_tasks(user):
    """已办: decisions the user took (for themselves or as a delegate)."""
    return (
        ApprovalTask.objects.filter(decided_by=user)
        .select_related("request", "request__submitted_by", "assignee")
        .order_by("-decided_at", "-pk")
    )


def cc_entries(user):
    """抄送我: requests the user was CC'd on."""
    return (
        ApprovalCC.objects.filter(user=user)
        .select_related("request", "request__submitted_by")
        .order_by("-created")
    )


def submitted_requests(user):
    """我发起的: the user's own requests."""
    return ApprovalRequest.objects.filter(submitted_by=user).order_by("-submitted_at", "-pk")


def requests_for_document(document):
    return (
        ApprovalRequest.objects.for_document(document)
        .select_related("submitted_by")
        .prefetch_related("timeline__actor", "timeline__on_behalf_of")
    )
