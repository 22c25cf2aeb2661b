"""The approval engine: every change to a request goes through these services.

Rules (design.md "Approval engine"; decisions.md "Approval engine"):

- A request follows its process's flow as it was at submission (``flow_snapshot``); whether each
  tier applies (its conditions) is decided then, from the document's fields.
- No self-approval: the applicant is skipped from every tier (recorded). A tier left with nobody
  who can approve goes to the holders of ``approvals.escalate_to_role``; if nobody holds that role
  either, the submission (or the decision that would open the tier) fails with a clear error.
- A reviewer who approved an earlier tier of the same round is skipped, and that approval counts.
- any: the first decision decides; all (会签): every approver must approve, one rejection rejects;
  quorum: ``quorum`` approvals (at most as many as there are approvers after the applicant is
  left out) complete it, and it is rejected once the quorum can no longer be reached.
- An added reviewer (加签) must approve as well, whatever the mode. An escalation approver (a tier
  that waited too long, or had nobody) decides the tier alone.
- Send back (退回) ends the round; the applicant changes the document and resubmits (a new round).
  Withdrawal by the applicant is possible while pending. Approved and rejected are final.
- Only someone who may decide approvals (``decide`` on approval tasks: not the auditor, who reads
  everything and changes nothing) can be a delegate or an added approver, and a delegation gives
  nobody without that permission the power to decide (a role may have changed since).
- A comment is at most ``COMMENT_MAX_LENGTH`` characters; a delegation lasts at most
  ``DELEGATION_MAX_DAYS`` days.
- Deciding locks the request row (``select_for_update``): concurrent decisions are serialised and
  give one outcome; a decision on a step that is already complete is refused with a clear error.
"""

from __future__ import annotations

import datetime
import logging

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from whitewall.approvals.conditions import all_hold
from whitewall.approvals.mixins import Approvable
from whitewall.approvals.models import (
    FINISHED,
    ApprovalCC,
    ApprovalRequest,
    ApprovalTask,
    ApprovalTimelineEntry,
    CCOrigin,
    Decision,
    Delegation,
    RequestStatus,
    SkipReason,
    TaskOrigin,
    TaskStatus,
    TimelineKind,
)
from whitewall.approvals.selectors import may_decide
from whitewall.approvals.signals import approval_event
from whitewall.config.policy import get_policy
from whitewall.core.permissions import permission_constraints

logger = logging.getLogger(__name__)
User = get_user_model()

COMMENT_MAX_LENGTH = 2000  # decision, withdrawal and added-approver comments
DELEGATION_MAX_DAYS = 366  # a year, start and end included (a leap year too)

DECISION_STATUS = {
    Decision.APPROVE: TaskStatus.APPROVED,
    Decision.REJECT: TaskStatus.REJECTED,
    Decision.SEND_BACK: TaskStatus.SENT_BACK,
}
DECISION_EVENT = {
    Decision.APPROVE: TimelineKind.APPROVED,
    Decision.REJECT: TimelineKind.REJECTED,
    Decision.SEND_BACK: TimelineKind.SENT_BACK,
}


# --- helpers ---------------------------------------------------------------------------------------
def _emit(kind: str, request: ApprovalRequest, recipients) -> None:
    """Announce an event to the notifications app once the transaction has committed."""
    seen, people = set(), []
    for user in recipients:
        if user is not None and user.pk not in seen:
            seen.add(user.pk)
            people.append(user)
    if not people:
        return
    transaction.on_commit(
        lambda: approval_event.send(sender=ApprovalRequest, kind=kind, request=request, recipients=people)
    )


def _role_label(name: str) -> str:
    """The role's name as people read it ("Executive"), not its code."""
    from whitewall.accounts.roles import ROLES

    spec = ROLES.get(name)
    return str(spec.label) if spec else name


def _timeline(request, kind, *, actor=None, tier_index=None, comment="", detail="", on_behalf_of=None):
    return ApprovalTimelineEntry.objects.create(
        request=request,
        kind=kind,
        actor=actor,
        on_behalf_of=on_behalf_of,
        round=request.round,
        tier_index=tier_index,
        comment=comment,
        detail=str(detail)[:300],
    )


def _clean_comment(comment) -> str:
    """The comment, stripped; too long a comment is refused with an error on the "comment" field."""
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {
                "comment": _("A comment can be at most %(limit)d characters long (this one has %(length)d).")
                % {"limit": COMMENT_MAX_LENGTH, "length": len(comment)}
            }
        )
    return comment


def _cannot_decide(user) -> str:
    return _("%(user)s may not decide approvals: none of their roles allows it.") % {"user": user}


def _staff(queryset):
    return queryset.filter(is_active=True, is_staff=True)


def _role_holders(role: str) -> list:
    return list(_staff(User.objects.filter(groups__name=role)).order_by("pk").distinct())


def _resolve_rule(rule: dict, request: ApprovalRequest, document) -> list:
    applicant = request.submitted_by
    if rule.get("role"):
        return _role_holders(rule["role"])
    if rule.get("user"):
        return list(_staff(User.objects.filter(username=rule["user"])))
    relation = rule.get("relation")
    person = None
    if relation == "applicant_manager":
        person = document.approval_manager(applicant)
    elif relation == "department_head":
        department = document.approval_department(applicant)
        person = department.head if department is not None else None
    elif relation == "owner":
        person = document.approval_owner()
    if person is None or not (person.is_active and person.is_staff):
        return []
    return [person]


def _tier_candidates(request, document, tier: dict) -> list:
    people, seen = [], set()
    for rule in tier["reviewers"]:
        for user in _resolve_rule(rule, request, document):
            if user.pk not in seen:
                seen.add(user.pk)
                people.append(user)
    return people


def _condition_text(tier: dict, document=None) -> str:
    """The tier's conditions as people read them: "amount > 10000", "exceeds a standard == yes"."""
    parts = []
    for condition in tier.get("conditions", []):
        name, value = condition["field"], condition["value"]
        if document is not None:
            try:
                name = document._meta.get_field(name).verbose_name
            except FieldDoesNotExist:
                pass
        if isinstance(value, bool):
            value = _("yes") if value else _("no")
        parts.append(f"{name} {condition['op']} {value}")
    return ", ".join(parts)


def _snapshot(flow, document) -> dict:
    defaults = get_policy().approvals
    data = flow.model_dump(mode="json")
    for tier in data["tiers"]:
        tier["applies"] = all_hold(document, tier["conditions"])
        tier["reminder_hours"] = tier["reminder_hours"] or defaults.reminder_hours
        tier["escalation_hours"] = tier["escalation_hours"] or defaults.escalation_hours
    data["escalate_to_role"] = defaults.escalate_to_role
    return data


def _lock(request: ApprovalRequest) -> ApprovalRequest:
    return ApprovalRequest.objects.select_for_update().select_related("submitted_by").get(pk=request.pk)


def _document(request: ApprovalRequest):
    document = request.document
    if document is None or not isinstance(document, Approvable):
        raise ValidationError(_("The document of this request no longer exists."))
    return document


def _current_tasks(request: ApprovalRequest):
    return request.tasks.filter(round=request.round, tier_index=request.current_tier)


def _approved_earlier(request: ApprovalRequest, index: int) -> set[int]:
    return set(
        request.tasks.filter(round=request.round, tier_index__lt=index)
        .filter(Q(status=TaskStatus.APPROVED) | Q(skip_reason=SkipReason.ALREADY_APPROVED))
        .values_list("assignee_id", flat=True)
    )


def _may_manage(user, request: ApprovalRequest) -> bool:
    """Administrators with ``change`` on approval requests may add reviewers or CCs to any request."""
    constraints = permission_constraints(user, "approvals.change_approvalrequest")
    if constraints is None:
        return False
    return ApprovalRequest.objects.restrict(user, "change").filter(pk=request.pk).exists()


# --- tiers -----------------------------------------------------------------------------------------
def _place_approvers(request, index: int, people: list, origin: str, added_by=None) -> tuple[list, int]:
    """Create tasks for ``people`` in tier ``index``: the applicant and earlier approvers are skipped.

    Returns (users now waiting, approvals carried over from earlier tiers).
    """
    approved_before = _approved_earlier(request, index)
    existing = set(_current_tasks(request).values_list("assignee_id", flat=True))
    waiting, carried = [], 0
    for user in people:
        if user.pk in existing:
            continue
        task = ApprovalTask(
            request=request, round=request.round, tier_index=index, assignee=user, origin=origin
        )
        task.added_by = added_by
        if user.pk == request.submitted_by_id:
            task.status, task.skip_reason = TaskStatus.SKIPPED, SkipReason.SELF
        elif user.pk in approved_before:
            task.status, task.skip_reason = TaskStatus.SKIPPED, SkipReason.ALREADY_APPROVED
            carried += 1
        task.save()
        if task.status == TaskStatus.SKIPPED:
            _timeline(
                request,
                TimelineKind.REVIEWER_SKIPPED,
                tier_index=index,
                on_behalf_of=user,
                detail=task.get_skip_reason_display(),
            )
        else:
            waiting.append(user)
    return waiting, carried


def _open_tier(request, document, index: int) -> list:
    tier = request.tiers[index]
    waiting, carried = _place_approvers(
        request, index, _tier_candidates(request, document, tier), TaskOrigin.FLOW
    )
    if waiting or carried:
        return waiting
    # Nobody left who may approve this tier (e.g. the applicant is its only reviewer): escalate.
    role = request.flow_snapshot.get("escalate_to_role") or get_policy().approvals.escalate_to_role
    waiting, carried = _place_approvers(request, index, _role_holders(role), TaskOrigin.ESCALATION)
    if not waiting and not carried:
        raise ValidationError(
            _(
                "Nobody can approve the tier “%(tier)s” of process %(process)s: no one other than the "
                "applicant fills its reviewer rules, and no one holds the escalation role %(role)s."
            )
            % {"tier": tier["name"], "process": request.process, "role": _role_label(role)}
        )
    _timeline(
        request,
        TimelineKind.ESCALATED,
        tier_index=index,
        detail=_("No approver other than the applicant: sent to the role %(role)s.")
        % {"role": _role_label(role)},
    )
    _emit("escalated", request, waiting)
    return waiting


def _tier_outcome(request: ApprovalRequest) -> str | None:
    """approved / rejected / sent_back, or None while the tier is still waiting."""
    tier = request.current_tier_spec
    tasks = [t for t in _current_tasks(request) if t.status != TaskStatus.CANCELLED]
    if any(t.status == TaskStatus.SENT_BACK for t in tasks):
        return "sent_back"
    escalation = [t for t in tasks if t.origin == TaskOrigin.ESCALATION]
    if any(t.status == TaskStatus.REJECTED for t in escalation):
        return "rejected"
    if any(
        t.status == TaskStatus.APPROVED or t.skip_reason == SkipReason.ALREADY_APPROVED for t in escalation
    ):
        return "approved"
    added = [t for t in tasks if t.origin == TaskOrigin.ADDED]
    if any(t.status == TaskStatus.REJECTED for t in added):
        return "rejected"
    added_done = all(t.status == TaskStatus.APPROVED for t in added)

    flow = [t for t in tasks if t.origin == TaskOrigin.FLOW and t.skip_reason != SkipReason.SELF]
    approvals = sum(
        1 for t in flow if t.status == TaskStatus.APPROVED or t.skip_reason == SkipReason.ALREADY_APPROVED
    )
    rejections = sum(1 for t in flow if t.status == TaskStatus.REJECTED)
    waiting = sum(1 for t in flow if t.status == TaskStatus.PENDING)
    eligible = len(flow)
    mode = tier["mode"]
    if mode == "quorum":
        need = min(tier["quorum"], eligible)
        if eligible and approvals + waiting < need:
            return "rejected"
    elif mode == "all":
        need = eligible
        if rejections:
            return "rejected"
    else:  # any
        need = 1
        if rejections:
            return "rejected"
    if eligible and approvals >= need and added_done:
        return "approved"
    return None


def _close_tier(request: ApprovalRequest) -> None:
    _current_tasks(request).filter(status=TaskStatus.PENDING).update(
        status=TaskStatus.CANCELLED, updated=timezone.now()
    )


def _advance(request: ApprovalRequest, document, actor) -> None:
    """Open the next tier that applies (closing tiers that complete at once); finish when none is left."""
    tiers = request.tiers
    index = request.current_tier + 1
    while index < len(tiers):
        tier = tiers[index]
        if not tier["applies"]:
            _timeline(
                request, TimelineKind.TIER_SKIPPED, tier_index=index, detail=_condition_text(tier, document)
            )
            index += 1
            continue
        request.current_tier = index
        request.tier_started_at = timezone.now()
        request.reminded_at = request.escalated_at = None
        request.save(
            update_fields=["current_tier", "tier_started_at", "reminded_at", "escalated_at", "updated"]
        )
        waiting = _open_tier(request, document, index)
        if _tier_outcome(request) == "approved":  # every approver had already approved earlier
            _close_tier(request)
            index += 1
            continue
        _timeline(request, TimelineKind.TIER_STARTED, tier_index=index, detail=tier["name"])
        _emit("task_assigned", request, waiting)
        return
    _finish(request, document, RequestStatus.APPROVED)


def _finish(request: ApprovalRequest, document, status: str) -> None:
    _current_tasks(request).filter(status=TaskStatus.PENDING).update(
        status=TaskStatus.CANCELLED, updated=timezone.now()
    )
    request.status = status
    request.finished_at = timezone.now()
    request.tier_started_at = None
    request.save(update_fields=["status", "finished_at", "tier_started_at", "updated"])
    _timeline(request, TimelineKind.FINISHED, detail=request.get_status_display())
    if status == RequestStatus.APPROVED:
        document.on_approved(request)
    else:
        document.on_rejected(request)
    ccs = [cc.user for cc in request.ccs.select_related("user")]
    _emit(str(status), request, [request.submitted_by, *ccs])


# --- services --------------------------------------------------------------------------------------
@transaction.atomic
def approval_submit(*, actor, document, process: str | None = None) -> ApprovalRequest:
    """Submit ``document`` for approval (or resubmit it after a send-back or a withdrawal)."""
    if not isinstance(document, Approvable) or document.pk is None:
        raise ValidationError(_("This document cannot be submitted for approval."))
    process = process or document.approval_process
    flow = get_policy().approvals.flow(process)
    if flow is None:
        raise ValidationError(
            {
                "process": _("The policy file declares no approval flow for the process “%(process)s”.")
                % {"process": process}
            }
        )
    if actor is None or not actor.is_authenticated or not document.approval_can_submit(actor):
        raise PermissionDenied(_("You may not submit this document for approval."))
    content_type = ContentType.objects.get_for_model(document, for_concrete_model=False)
    request = (
        ApprovalRequest.objects.select_for_update()
        .filter(content_type=content_type, object_id=document.pk, process=process)
        .first()
    )
    if request is None:
        request = ApprovalRequest(
            content_type=content_type, object_id=document.pk, process=process, submitted_by=actor
        )
        kind = TimelineKind.SUBMITTED
    else:
        if request.status == RequestStatus.PENDING:
            raise ValidationError(_("This document is already waiting for approval."))
        if request.status in FINISHED:
            raise ValidationError(
                _("The approval of this document is finished (“%(status)s”); it cannot be submitted again.")
                % {"status": request.get_status_display()}
            )
        if request.submitted_by_id != actor.pk:
            raise PermissionDenied(_("Only the applicant can resubmit this request."))
        kind = TimelineKind.RESUBMITTED
    request.title = document.approval_title()
    request.flow_snapshot = _snapshot(flow, document)
    request.status = RequestStatus.PENDING
    request.round += 1
    request.current_tier = -1
    request.submitted_at = timezone.now()
    request.finished_at = None
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:
        raise ValidationError(_("This document is already waiting for approval."))
    _timeline(request, kind, actor=actor)
    # CC the flow's roles once per request.
    cc_people = [u for role in flow.cc_roles for u in _role_holders(role) if u.pk != actor.pk]
    new_ccs = _add_ccs(request, cc_people, CCOrigin.FLOW, None)
    document.on_submitted(request)
    _advance(request, document, actor)
    _emit("cc", request, [cc.user for cc in new_ccs])
    return request


def _task_for(actor, request: ApprovalRequest) -> ApprovalTask:
    """The waiting task ``actor`` may decide now: their own, or one delegated to them today."""
    pending = _current_tasks(request).filter(status=TaskStatus.PENDING).select_related("assignee")
    own = next((t for t in pending if t.assignee_id == actor.pk), None)
    if own is not None:
        return own
    delegators = set(
        Delegation.objects.covering(timezone.localdate(), request.process)
        .filter(delegate=actor)
        .values_list("delegator_id", flat=True)
    )
    delegated = next((t for t in pending if t.assignee_id in delegators), None)
    if delegated is not None:
        if not may_decide(actor):  # e.g. a delegation made before the delegate became an auditor
            raise PermissionDenied(
                _(
                    "Your roles do not allow you to decide approvals, so the delegation from %(person)s "
                    "does not let you decide this step."
                )
                % {"person": delegated.assignee}
            )
        return delegated
    mine = request.tasks.filter(round=request.round).filter(Q(assignee=actor) | Q(decided_by=actor))
    decided = mine.filter(decided_at__isnull=False)
    if decided.filter(tier_index=request.current_tier).exists():
        raise ValidationError(_("You have already decided on this step."))
    if decided.exists() or mine.filter(status=TaskStatus.CANCELLED).exists():
        raise ValidationError(
            _("This step has already been completed; nothing is waiting for your decision.")
        )
    raise PermissionDenied(_("You are not an approver of the current step of this request."))


@transaction.atomic
def approval_decide(*, actor, request: ApprovalRequest, decision: str, comment: str = "") -> ApprovalTask:
    """Approve, reject or send back the current step of ``request`` as ``actor`` (or their delegate)."""
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose approve, reject or send back.")})
    comment = _clean_comment(comment)
    if decision != Decision.APPROVE and not comment:
        raise ValidationError({"comment": _("Give a reason when you reject or send back a request.")})
    request = _lock(request)
    if request.status != RequestStatus.PENDING:
        raise ValidationError(
            _("This request can no longer be decided: it is “%(status)s”.")
            % {"status": request.get_status_display()}
        )
    if actor.pk == request.submitted_by_id:
        raise PermissionDenied(_("You cannot decide on your own request."))
    task = _task_for(actor, request)
    document = _document(request)
    document.on_deciding(request, decision, actor)
    task.status = DECISION_STATUS[decision]
    task.decision = decision
    task.comment = comment
    task.decided_by = actor
    task.decided_at = timezone.now()
    task.save(update_fields=["status", "decision", "comment", "decided_by", "decided_at", "updated"])
    _timeline(
        request,
        DECISION_EVENT[decision],
        actor=actor,
        on_behalf_of=task.assignee if task.assignee_id != actor.pk else None,
        tier_index=task.tier_index,
        comment=comment,
    )
    outcome = _tier_outcome(request)
    if outcome == "approved":
        _close_tier(request)
        _advance(request, document, actor)
    elif outcome == "rejected":
        _close_tier(request)
        _finish(request, document, RequestStatus.REJECTED)
    elif outcome == "sent_back":
        _close_tier(request)
        request.status = RequestStatus.SENT_BACK
        request.tier_started_at = None
        request.save(update_fields=["status", "tier_started_at", "updated"])
        document.on_sent_back(request)
        _emit("sent_back", request, [request.submitted_by])
    return task


@transaction.atomic
def approval_withdraw(*, actor, request: ApprovalRequest, comment: str = "") -> ApprovalRequest:
    """The applicant takes back a pending request (it can be resubmitted later)."""
    comment = _clean_comment(comment)
    request = _lock(request)
    if actor.pk != request.submitted_by_id:
        raise PermissionDenied(_("Only the applicant can withdraw a request."))
    if request.status != RequestStatus.PENDING:
        raise ValidationError(
            _("Only a pending request can be withdrawn; this one is “%(status)s”.")
            % {"status": request.get_status_display()}
        )
    document = _document(request)
    waiting = [
        t.assignee
        for t in _current_tasks(request).filter(status=TaskStatus.PENDING).select_related("assignee")
    ]
    _close_tier(request)
    request.status = RequestStatus.WITHDRAWN
    request.tier_started_at = None
    request.save(update_fields=["status", "tier_started_at", "updated"])
    _timeline(request, TimelineKind.WITHDRAWN, actor=actor, comment=comment)
    document.on_withdrawn(request)
    _emit("withdrawn", request, waiting)
    return request


@transaction.atomic
def approval_add_reviewer(*, actor, request: ApprovalRequest, user, comment: str = "") -> ApprovalTask:
    """加签: an approver of the current step asks ``user`` to approve it as well."""
    comment = _clean_comment(comment)
    request = _lock(request)
    if request.status != RequestStatus.PENDING:
        raise ValidationError(
            _("Approvers can no longer be added: this request is “%(status)s”.")
            % {"status": request.get_status_display()}
        )
    if not _may_manage(actor, request):
        _task_for(actor, request)  # raises unless the actor may decide the current step
    if user.pk == request.submitted_by_id:
        raise ValidationError({"user": _("The applicant cannot approve their own request.")})
    if not (user.is_active and user.is_staff):
        raise ValidationError({"user": _("Choose an active staff member.")})
    if not may_decide(user):
        raise ValidationError({"user": _cannot_decide(user)})
    if (
        _current_tasks(request)
        .filter(assignee=user, status__in=[TaskStatus.PENDING, TaskStatus.APPROVED])
        .exists()
    ):
        raise ValidationError({"user": _("%(user)s is already an approver of this step.") % {"user": user}})
    task = ApprovalTask.objects.create(
        request=request,
        round=request.round,
        tier_index=request.current_tier,
        assignee=user,
        origin=TaskOrigin.ADDED,
        added_by=actor,
    )
    _timeline(
        request,
        TimelineKind.REVIEWER_ADDED,
        actor=actor,
        on_behalf_of=user,
        tier_index=request.current_tier,
        comment=comment,
        detail=str(user),
    )
    _emit("task_assigned", request, [user])
    return task


def _add_ccs(request, people, origin, added_by) -> list[ApprovalCC]:
    existing = set(request.ccs.values_list("user_id", flat=True)) if request.pk else set()
    created = []
    for user in people:
        if user.pk in existing or user.pk == request.submitted_by_id:
            continue
        existing.add(user.pk)
        created.append(
            ApprovalCC.objects.create(request=request, user=user, origin=origin, added_by=added_by)
        )
    if created:
        _timeline(
            request,
            TimelineKind.CC,
            actor=added_by,
            detail=", ".join(str(cc.user) for cc in created),
        )
    return created


@transaction.atomic
def approval_cc(*, actor, request: ApprovalRequest, users) -> list[ApprovalCC]:
    """抄送: the applicant or an approver keeps colleagues informed (they can read, not decide)."""
    request = _lock(request)
    involved = (
        request.submitted_by_id == actor.pk
        or request.tasks.filter(Q(assignee=actor) | Q(decided_by=actor)).exists()
    )
    if not involved and not _may_manage(actor, request):
        raise PermissionDenied(_("Only the applicant or an approver can CC this request."))
    people = [u for u in users if u.is_active and u.is_staff]
    if not people:
        raise ValidationError({"users": _("Choose at least one active staff member.")})
    created = _add_ccs(request, people, CCOrigin.MANUAL, actor)
    if not created:
        raise ValidationError({"users": _("Everyone chosen is already CC'd (or is the applicant).")})
    _emit("cc", request, [cc.user for cc in created])
    return created


@transaction.atomic
def approval_delegate(
    *, actor, delegate, start: datetime.date, end: datetime.date, process: str | None = None
) -> Delegation:
    """Let ``delegate`` decide ``actor``'s approvals from ``start`` to ``end`` (inclusive)."""
    process = process or ""
    errors: dict[str, str] = {}
    if delegate.pk == actor.pk:
        errors["delegate"] = _("You cannot delegate to yourself.")
    elif not (delegate.is_active and delegate.is_staff):
        errors["delegate"] = _("Choose an active staff member.")
    elif not may_decide(delegate):
        errors["delegate"] = _cannot_decide(delegate)
    if end < start:
        errors["end"] = _("The end date must be on or after the start date.")
    elif end < timezone.localdate():
        errors["end"] = _("The end date has already passed.")
    elif (end - start).days + 1 > DELEGATION_MAX_DAYS:
        errors["end"] = _("A delegation can last at most a year (%(days)d days, start and end included).") % {
            "days": DELEGATION_MAX_DAYS
        }
    if process and get_policy().approvals.flow(process) is None:
        errors["process"] = _("The policy file declares no approval flow for the process “%(process)s”.") % {
            "process": process
        }
    if not errors:
        overlapping = Delegation.objects.filter(
            delegator=actor, ended_at__isnull=True, start__lte=end, end__gte=start
        )
        if process:
            overlapping = overlapping.filter(Q(process="") | Q(process=process))
        if overlapping.exists():
            errors["start"] = _("You already delegate your approvals for some of these days.")
    if errors:
        raise ValidationError(errors)
    return Delegation.objects.create(
        delegator=actor, delegate=delegate, start=start, end=end, process=process
    )


@transaction.atomic
def approval_delegation_end(*, actor, delegation: Delegation) -> Delegation:
    """End one of the actor's delegations now (it stays on record)."""
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if delegation.delegator_id != actor.pk:
        raise PermissionDenied(_("You can end only your own delegations."))
    if delegation.ended_at is not None or delegation.end < timezone.localdate():
        raise ValidationError(_("This delegation has already ended."))
    delegation.ended_at = timezone.now()
    delegation.save(update_fields=["ended_at", "updated"])
    return delegation


# --- reminders and escalation (run by the periodic task) -------------------------------------------
def _claim(request: ApprovalRequest, field: str, now) -> bool:
    """Claim a reminder or escalation in the database: a second runner updates no row."""
    return (
        ApprovalRequest.objects.filter(
            pk=request.pk,
            status=RequestStatus.PENDING,
            round=request.round,
            current_tier=request.current_tier,
            **{f"{field}__isnull": True},
        ).update(**{field: now})
        == 1
    )


def approval_remind_overdue(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Remind the approvers of tiers waiting past ``reminder_hours``; escalate those past
    ``escalation_hours`` to the escalation role. Each happens once per tier and round."""
    now = now or timezone.now()
    done = {"reminded": 0, "escalated": 0}
    candidates = ApprovalRequest.objects.filter(
        status=RequestStatus.PENDING, tier_started_at__isnull=False
    ).filter(Q(reminded_at__isnull=True) | Q(escalated_at__isnull=True))
    for request in candidates.select_related("submitted_by").iterator(chunk_size=200):
        tier = request.current_tier_spec
        if tier is None:
            continue
        waited = now - request.tier_started_at
        with transaction.atomic():
            if request.escalated_at is None and waited >= datetime.timedelta(hours=tier["escalation_hours"]):
                if _claim(request, "escalated_at", now):
                    _claim(request, "reminded_at", now)
                    _escalate(request)
                    done["escalated"] += 1
            elif (
                request.reminded_at is None
                and waited >= datetime.timedelta(hours=tier["reminder_hours"])
                and _claim(request, "reminded_at", now)
            ):
                _remind(request)
                done["reminded"] += 1
    return done


def _remind(request: ApprovalRequest) -> None:
    waiting = [
        t.assignee
        for t in _current_tasks(request).filter(status=TaskStatus.PENDING).select_related("assignee")
    ]
    _timeline(
        request,
        TimelineKind.REMINDED,
        tier_index=request.current_tier,
        detail=", ".join(str(u) for u in waiting),
    )
    _emit("reminder", request, waiting)


def _escalate(request: ApprovalRequest) -> None:
    role = request.flow_snapshot.get("escalate_to_role") or get_policy().approvals.escalate_to_role
    pending_ids = set(
        _current_tasks(request).filter(status=TaskStatus.PENDING).values_list("assignee_id", flat=True)
    )
    people = [u for u in _role_holders(role) if u.pk != request.submitted_by_id and u.pk not in pending_ids]
    added = []
    for user in people:
        existing = _current_tasks(request).filter(assignee=user).first()
        if existing is not None:
            continue  # already decided this tier (e.g. an approval in an "all" tier): nothing to add
        ApprovalTask.objects.create(
            request=request,
            round=request.round,
            tier_index=request.current_tier,
            assignee=user,
            origin=TaskOrigin.ESCALATION,
        )
        added.append(user)
    _timeline(
        request,
        TimelineKind.ESCALATED,
        tier_index=request.current_tier,
        detail=(
            _("Waited too long: sent to %(people)s.") % {"people": ", ".join(str(u) for u in added)}
            if added
            else _("Waited too long, but nobody else holds the role %(role)s.") % {"role": role}
        ),
    )
    _emit("escalated", request, added)
