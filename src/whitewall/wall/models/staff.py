"""Staff-written posts: the same ``Post`` rows (``source = staff``), seen through a proxy model that
goes through the approval engine (process ``wall.post``) and has its own permissions, so that
writing staff posts can be granted without granting the review of public submissions."""

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from whitewall.approvals.mixins import Approvable
from whitewall.core.querysets import RestrictedQuerySet

from .posts import PlanItem, Post

__all__ = ["StaffPost"]


class StaffPostManager(models.Manager.from_queryset(RestrictedQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(source=Post.Source.STAFF)


class StaffPost(Approvable, Post):
    approval_process = "wall.post"

    objects = StaffPostManager()

    class Meta:
        proxy = True
        verbose_name = _("staff post")
        verbose_name_plural = _("staff posts")
        ordering = ("-created",)

    def save(self, *args, **kwargs):
        self.source = Post.Source.STAFF
        super().save(*args, **kwargs)

    @property
    def is_editable(self) -> bool:
        return self.status in (Post.Status.DRAFT, Post.Status.SENT_BACK)

    def approval_owner(self):
        return self.owner or self.author

    # --- approval callbacks (inside the deciding transaction) ----------------------------------------
    def _plan_status(self, status: str) -> None:
        PlanItem.objects.filter(post_id=self.pk).exclude(status=status).update(
            status=status, updated=timezone.now()
        )

    def on_submitted(self, request) -> None:
        self.status = Post.Status.PENDING
        self.submitted_at = timezone.now()
        self.save(update_fields=["status", "submitted_at", "updated"])
        self._plan_status(PlanItem.Status.IN_REVIEW)

    def on_approved(self, request) -> None:
        from whitewall.approvals.models import ApprovalTask, TaskStatus

        decided = (
            ApprovalTask.objects.filter(request=request, status=TaskStatus.APPROVED)
            .order_by("-decided_at")
            .first()
        )
        self.status = Post.Status.APPROVED
        self.reviewed_by = (decided.decided_by or decided.assignee) if decided else None
        self.reviewed_at = timezone.now()
        self.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated"])
        from whitewall.wall.services.publishing import post_stage

        # The slot is taken in the same transaction as the decision: approved means scheduled.
        with transaction.atomic():
            post_stage(post=self)

    def _back_to_draft(self, status: str) -> None:
        self.status = status
        self.save(update_fields=["status", "updated"])
        self._plan_status(PlanItem.Status.DRAFTED)

    def on_rejected(self, request) -> None:
        self._back_to_draft(Post.Status.REJECTED)

    def on_sent_back(self, request) -> None:
        self._back_to_draft(Post.Status.SENT_BACK)

    def on_withdrawn(self, request) -> None:
        self._back_to_draft(Post.Status.DRAFT)
