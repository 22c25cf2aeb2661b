"""The publishing plan: plan items, moving them in the calendar, staff-written posts.

- ``plan_item_save``: create or change a plan item; a changed slot must be ahead and inside the
  publishing hours.
- ``plan_item_move``: drag-and-drop and the move form. An item whose post is already approved or
  scheduled moves the post through ``post_schedule`` (all slot rules); a plain item is checked
  against the same rules (hours, gap and daily cap against the posts that hold slots).
- ``staff_post_save``: a staff post's rich text is sanitised (nh3) and its plain text kept in ``body``;
  linking a plan item marks the item drafted.
- ``staff_post_submit``: through the approval engine (process ``wall.post``); approval stages it.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from whitewall.wall import slots
from whitewall.wall.models import PlanItem, Post, StaffPost
from whitewall.wall.sanitize import clean_html, html_to_text
from whitewall.wall.services.publishing import post_schedule, validate_slot

FINAL_ITEM_STATUSES = (PlanItem.Status.PUBLISHED, PlanItem.Status.CANCELLED)


def _require(actor, queryset, obj, message=None) -> None:
    if actor is not None and not queryset.restrict(actor, "change").filter(pk=obj.pk).exists():
        raise PermissionDenied(message or _("You do not have permission to do this."))


def _in_hours(when: datetime.datetime, field: str) -> None:
    rules = slots.SlotRules.from_policy()
    start, end = slots.publishing_window(timezone.localtime(when).date(), rules)
    if not start <= when < end:
        raise ValidationError(
            {
                field: _("Posts go out only between %(start)02d:00 and %(end)02d:00.")
                % {"start": rules.start_hour, "end": rules.end_hour}
            }
        )


@transaction.atomic
def plan_item_save(*, actor, item: PlanItem) -> PlanItem:
    """Write ``item`` (new or changed) after checking its slot."""
    old_slot = None
    if item.pk is not None:
        _require(actor, PlanItem.objects, item)
        old_slot = PlanItem.objects.filter(pk=item.pk).values_list("slot", flat=True).first()
    if item.slot and item.slot != old_slot and item.status not in FINAL_ITEM_STATUSES:
        if item.slot <= timezone.now():
            raise ValidationError({"slot": _("The slot must be in the future.")})
        _in_hours(item.slot, "slot")
    if item.post_id and PlanItem.objects.filter(post_id=item.post_id).exclude(pk=item.pk).exists():
        raise ValidationError({"post": _("This post already belongs to another plan item.")})
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def plan_item_move(*, actor, item: PlanItem, when: datetime.datetime) -> PlanItem:
    """Move ``item`` (and its post, when it has a slot) to ``when``, with the slot rules."""
    _require(actor, PlanItem.objects, item, _("You do not have permission to move this plan item."))
    item = PlanItem.objects.select_for_update().get(pk=item.pk)
    if item.status in FINAL_ITEM_STATUSES:
        raise ValidationError(
            {"slot": _("A %(status)s plan item cannot be moved.") % {"status": item.get_status_display()}}
        )
    post = item.post
    if post is not None and post.status in (Post.Status.APPROVED, Post.Status.SCHEDULED):
        post_schedule(actor=actor, post=post, when=when)
        item.refresh_from_db()
        return item
    item.slot = validate_slot(when, post=post, field="slot")
    item.save(update_fields=["slot", "updated"])
    return item


def moved_to_day(moment: datetime.datetime, day: datetime.date) -> datetime.datetime:
    """``moment`` on another local day, at the same local time of day (what a drag does)."""
    local = timezone.localtime(moment)
    return timezone.make_aware(datetime.datetime.combine(day, local.time().replace(second=0, microsecond=0)))


@transaction.atomic
def staff_post_save(*, actor, post: StaffPost, plan_item: PlanItem | None = None) -> StaffPost:
    """Create or change a staff post (draft or sent back), sanitising its rich text."""
    is_new = post.pk is None
    if not is_new:
        _require(actor, StaffPost.objects, post)
        stored = StaffPost.objects.get(pk=post.pk)
        if not stored.is_editable:
            raise ValidationError(
                _("A post that is “%(status)s” can no longer be edited.")
                % {"status": stored.get_status_display()}
            )
    post.source = Post.Source.STAFF
    post.body_html = clean_html(post.body_html)
    post.body = html_to_text(post.body_html)
    if not post.body:
        raise ValidationError({"body_html": _("Write something before you save.")})
    if is_new:
        post.status = Post.Status.DRAFT
        post.author = post.author or actor
        post.owner = post.owner or actor
        post.display_name = post.display_name or _("Operations team")
    post.full_clean(exclude=["tags"])
    post.save()
    if plan_item is not None:
        if plan_item.post_id and plan_item.post_id != post.pk:
            raise ValidationError({"plan_item": _("This plan item already has a post.")})
        if (
            actor is not None
            and not PlanItem.objects.restrict(actor, "change").filter(pk=plan_item.pk).exists()
        ):
            raise PermissionDenied(_("You do not have permission to change this plan item."))
        plan_item.post = post
        if plan_item.status == PlanItem.Status.PLANNED:
            plan_item.status = PlanItem.Status.DRAFTED
        plan_item.save(update_fields=["post", "status", "updated"])
    return post


@transaction.atomic
def staff_post_submit(*, actor, post: StaffPost):
    """Send a staff post to the approval engine (process ``wall.post``)."""
    from whitewall.approvals.services import approval_submit

    post = StaffPost.objects.select_for_update().get(pk=post.pk)
    if not post.is_editable:
        raise ValidationError(
            _("A post that is “%(status)s” cannot be submitted.") % {"status": post.get_status_display()}
        )
    return approval_submit(actor=actor, document=post)
