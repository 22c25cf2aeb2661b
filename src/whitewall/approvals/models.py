"""The approval engine's records: requests, one task per approver per tier, CCs, delegations and
the timeline. Every write goes through ``approvals.services``; the audit trail captures the rows.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from whitewall.core.models import BaseModel
from whitewall.core.querysets import RestrictedQuerySet


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SENT_BACK = "sent_back", _("Sent back for changes")
    WITHDRAWN = "withdrawn", _("Withdrawn")


FINISHED = (RequestStatus.APPROVED, RequestStatus.REJECTED)


class ApprovalRequestQuerySet(RestrictedQuerySet):
    def for_document(self, document):
        content_type = ContentType.objects.get_for_model(document, for_concrete_model=False)
        return self.filter(content_type=content_type, object_id=document.pk)

    def visible_to(self, user):
        """Requests the user takes part in (applicant, approver, delegate, CC) or may view by permission."""
        if not (user and user.is_authenticated):
            return self.none()
        today = timezone.localdate()
        delegators = Delegation.objects.active_on(today).filter(delegate=user).values("delegator")
        involved = (
            Q(submitted_by=user)
            | Q(tasks__assignee=user)
            | Q(tasks__assignee__in=delegators)
            | Q(tasks__decided_by=user)
            | Q(ccs__user=user)
        )
        permitted = self.restrict(user, "view").values("pk")
        return self.filter(involved | Q(pk__in=permitted)).distinct()


class ApprovalRequest(BaseModel):
    """One document going through one process's flow. Resubmitting after a send-back or a withdrawal
    reuses the request and starts a new round; approved and rejected are final."""

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("document type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("document id"))
    document = GenericForeignKey("content_type", "object_id")
    title = models.CharField(_("title"), max_length=200)
    process = models.CharField(_("process"), max_length=100)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.DRAFT
    )
    current_tier = models.IntegerField(_("current tier"), default=-1)
    round = models.PositiveIntegerField(_("round"), default=0)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="approval_requests",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # When the current tier started waiting; reminders and escalation count from here.
    tier_started_at = models.DateTimeField(_("tier waiting since"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    # The flow as it was at submission (tiers, reviewers, modes, whether each tier applies).
    flow_snapshot = models.JSONField(_("flow at submission"), default=dict, blank=True)

    objects = ApprovalRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        ordering = ("-submitted_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "process"], name="approval_one_request_per_document"
            ),
        ]
        indexes = [models.Index(fields=["status", "tier_started_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def tiers(self) -> list[dict]:
        return list(self.flow_snapshot.get("tiers", []))

    @property
    def current_tier_spec(self) -> dict | None:
        tiers = self.tiers
        if 0 <= self.current_tier < len(tiers):
            return tiers[self.current_tier]
        return None

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.PENDING


class TaskStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SENT_BACK = "sent_back", _("Sent back")
    SKIPPED = "skipped", _("Skipped")
    CANCELLED = "cancelled", _("No longer needed")


class TaskOrigin(models.TextChoices):
    FLOW = "flow", _("Flow")
    ADDED = "added", _("Added approver")
    ESCALATION = "escalation", _("Escalation")


class SkipReason(models.TextChoices):
    NONE = "", _("—")
    SELF = "self", _("The applicant cannot approve their own request")
    ALREADY_APPROVED = "already_approved", _("Already approved an earlier tier")


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    SEND_BACK = "send_back", _("Send back for changes")


class ApprovalTask(BaseModel):
    """One approver's part in one tier of one round of a request."""

    request = models.ForeignKey(
        ApprovalRequest, verbose_name=_("approval request"), on_delete=models.CASCADE, related_name="tasks"
    )
    round = models.PositiveIntegerField(_("round"))
    tier_index = models.PositiveIntegerField(_("tier"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approver"), on_delete=models.PROTECT, related_name="+"
    )
    origin = models.CharField(_("origin"), max_length=20, choices=TaskOrigin.choices, default=TaskOrigin.FLOW)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.PENDING
    )
    skip_reason = models.CharField(
        _("skipped because"), max_length=30, choices=SkipReason.choices, blank=True
    )
    # Who actually decided: the approver, or their delegate acting for them.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approval_decisions",
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    comment = models.TextField(pgettext_lazy("approval decision", "comment"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("approval task")
        verbose_name_plural = _("approval tasks")
        ordering = ("round", "tier_index", "pk")
        indexes = [models.Index(fields=["assignee", "status"])]

    def __str__(self) -> str:
        return f"{self.request} · {self.assignee}"

    @property
    def acting_delegate(self):
        if self.decided_by_id and self.decided_by_id != self.assignee_id:
            return self.decided_by
        return None


class CCOrigin(models.TextChoices):
    FLOW = "flow", _("Flow")
    MANUAL = "manual", _("Added by hand")


class ApprovalCC(BaseModel):
    request = models.ForeignKey(
        ApprovalRequest, verbose_name=_("approval request"), on_delete=models.CASCADE, related_name="ccs"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    origin = models.CharField(_("origin"), max_length=20, choices=CCOrigin.choices, default=CCOrigin.FLOW)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("approval CC")
        verbose_name_plural = _("approval CCs")
        ordering = ("-created",)
        constraints = [models.UniqueConstraint(fields=["request", "user"], name="approval_cc_once_per_user")]

    def __str__(self) -> str:
        return f"{self.request} → {self.user}"


class DelegationQuerySet(RestrictedQuerySet):
    def active_on(self, day: datetime.date):
        return self.filter(start__lte=day, end__gte=day, ended_at__isnull=True)

    def covering(self, day: datetime.date, process: str):
        return self.active_on(day).filter(Q(process="") | Q(process=process))


class Delegation(BaseModel):
    """While away, a user lets a colleague decide their approvals (one hop: never passed on)."""

    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delegator"),
        on_delete=models.PROTECT,
        related_name="approval_delegations_given",
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delegate"),
        on_delete=models.PROTECT,
        related_name="approval_delegations_received",
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    process = models.CharField(_("process"), max_length=100, blank=True, help_text=_("Empty: every process."))
    ended_at = models.DateTimeField(_("ended early"), null=True, blank=True)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ("-start", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="delegation_end_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(delegator=models.F("delegate")), name="delegation_not_to_oneself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegator} → {self.delegate} ({self.start} – {self.end})"

    def is_active_on(self, day: datetime.date) -> bool:
        return self.ended_at is None and self.start <= day <= self.end


class TimelineKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    TIER_STARTED = "tier_started", _("Tier started")
    TIER_SKIPPED = "tier_skipped", _("Tier skipped: its conditions do not hold")
    REVIEWER_SKIPPED = "reviewer_skipped", _("Approver skipped")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SENT_BACK = "sent_back", _("Sent back for changes")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REVIEWER_ADDED = "reviewer_added", _("Approver added")
    CC = "cc", _("CC")
    REMINDED = "reminded", _("Reminder sent")
    ESCALATED = "escalated", _("Escalated")
    FINISHED = "finished", _("Finished")


class ApprovalTimelineEntry(BaseModel):
    """What happened to a request, in order; shown on the request and on the document."""

    request = models.ForeignKey(
        ApprovalRequest, verbose_name=_("approval request"), on_delete=models.CASCADE, related_name="timeline"
    )
    kind = models.CharField(_("event"), max_length=30, choices=TimelineKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("on behalf of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    round = models.PositiveIntegerField(_("round"), default=0)
    tier_index = models.IntegerField(_("tier"), null=True, blank=True)
    comment = models.TextField(pgettext_lazy("approval decision", "comment"), blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("approval timeline entry")
        verbose_name_plural = _("approval timeline entries")
        ordering = ("created", "pk")

    def __str__(self) -> str:
        return f"{self.request}: {self.get_kind_display()}"

    @property
    def tier_name(self) -> str:
        tiers = self.request.tiers
        if self.tier_index is not None and 0 <= self.tier_index < len(tiers):
            return tiers[self.tier_index]["name"]
        return ""
