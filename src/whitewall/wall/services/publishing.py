"""Publishing: the staging queue, slots, scheduled publication (exactly once) and expiry.

- ``post_stage``: an approved post (the staging queue) takes the next free slot and is scheduled.
  A post linked to a plan item keeps the item's slot when that slot is still valid and ahead.
- ``post_schedule``: a person moves a post to a moment of their choosing, validated against the same
  slot rules (publishing hours, gap, daily cap) with a message that names the rule broken.
- ``post_publish``: the post goes out now; the wall's cache version is bumped (once) and the author told.
- ``post_expire``: a post past its ``expires_at`` leaves the wall.
- ``publish_due``: what the periodic job runs. Each due post is claimed inside its own transaction
  (``select_for_update(skip_locked=True)`` on PostgreSQL, the write lock on SQLite) and its status
  re-read under the lock, so two consumers running at once publish it exactly once.

Slot assignment takes a database-wide lock (``pg_advisory_xact_lock`` on PostgreSQL; SQLite
serialises writers), so two posts staged at the same moment never take the same slot.
"""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from whitewall.wall import slots
from whitewall.wall.cache import bump_wall_version_on_commit, bumps_once
from whitewall.wall.models import PlanItem, Post

logger = logging.getLogger(__name__)

SLOT_LOCK_KEY = 0x57A11_5107  # any constant: one advisory lock for slot assignment
STAGEABLE = (Post.Status.APPROVED,)
SCHEDULABLE = (Post.Status.APPROVED, Post.Status.SCHEDULED)
EXPIRABLE = (Post.Status.APPROVED, Post.Status.SCHEDULED, Post.Status.PUBLISHED)


def _slot_lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SLOT_LOCK_KEY])


def public_url(post: Post) -> str:
    """The post's public page when the wall has one, else the author's own page."""
    for name, args in (("wall_post", [post.pk]), ("my_page", [])):
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return "/"


def _sync_plan_item(post: Post, status: str) -> None:
    item = PlanItem.objects.filter(post=post).first()
    if item is None:
        return
    changed = ["status", "updated"]
    item.status = status
    moment = post.published_at if status == PlanItem.Status.PUBLISHED else post.scheduled_for
    if moment is not None and status in (PlanItem.Status.SCHEDULED, PlanItem.Status.PUBLISHED):
        item.slot = moment
        changed.append("slot")
    item.save(update_fields=changed)


def _require_schedule(actor, post: Post) -> None:
    if actor is None:
        return
    if not Post.objects.restrict(actor, "schedule").filter(pk=post.pk).exists():
        raise PermissionDenied(_("You do not have permission to schedule this post."))


def _locked(post: Post) -> Post:
    return Post.objects.select_for_update().get(pk=post.pk)


def _copy(target: Post, source: Post) -> Post:
    for field in ("status", "scheduled_for", "published_at", "expires_at", "updated"):
        setattr(target, field, getattr(source, field))
    return target


# --- staging -----------------------------------------------------------------------------------------
@transaction.atomic
def post_stage(*, post: Post, actor=None) -> Post:
    """Give an approved post (the staging queue) its slot: status ``scheduled``, ``scheduled_for``."""
    _slot_lock()
    current = _locked(post)
    if current.status not in STAGEABLE:
        raise ValidationError(
            {
                "status": _("Only approved posts wait for a slot; this one is “%(status)s”.")
                % {"status": current.get_status_display()}
            }
        )
    now = timezone.now()
    when = None
    item = PlanItem.objects.filter(post=current).first()
    if item is not None and item.slot > now and not slots.slot_problems(item.slot, exclude_pk=current.pk):
        when = item.slot
    if when is None:
        when = slots.next_free_slot(now, exclude_pk=current.pk)
    current.status = Post.Status.SCHEDULED
    current.scheduled_for = when
    current.save(update_fields=["status", "scheduled_for", "updated"])
    _sync_plan_item(current, PlanItem.Status.SCHEDULED)
    return _copy(post, current)


def stage_waiting(*, limit: int = 200) -> int:
    """Stage approved posts in the order they were approved (oldest first); returns how many."""
    done = 0
    ids = list(
        Post.objects.filter(status=Post.Status.APPROVED)
        .order_by("reviewed_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        try:
            post_stage(post=Post.objects.get(pk=pk))
            done += 1
        except (ValidationError, Post.DoesNotExist):
            continue  # decided otherwise meanwhile (withdrawn, taken down, staged by someone else)
    return done


# --- manual scheduling -------------------------------------------------------------------------------
def validate_slot(when, *, post: Post | None = None, field: str = "scheduled_for") -> datetime.datetime:
    """``when`` as an aware datetime if it is a valid future slot, else a ValidationError on ``field``."""
    if not isinstance(when, datetime.datetime):
        raise ValidationError({field: _("Give a date and a time.")})
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    if when <= timezone.now():
        raise ValidationError({field: _("The slot must be in the future.")})
    problems = slots.slot_problems(when, exclude_pk=post.pk if post else None)
    if problems:
        raise ValidationError({field: problems})
    return when


@transaction.atomic
def post_schedule(*, actor, post: Post, when: datetime.datetime) -> Post:
    """Put ``post`` (approved or already scheduled) at ``when``, checked against the slot rules."""
    _require_schedule(actor, post)
    _slot_lock()
    current = _locked(post)
    if current.status not in SCHEDULABLE:
        raise ValidationError(
            {
                "status": _("Only approved or scheduled posts can be scheduled; this one is “%(status)s”.")
                % {"status": current.get_status_display()}
            }
        )
    when = validate_slot(when, post=current)
    if current.expires_at and current.expires_at <= when:
        raise ValidationError({"scheduled_for": _("The slot must come before the post's expiry.")})
    current.status = Post.Status.SCHEDULED
    current.scheduled_for = when
    current.save(update_fields=["status", "scheduled_for", "updated"])
    _sync_plan_item(current, PlanItem.Status.SCHEDULED)
    return _copy(post, current)


# --- publication and expiry --------------------------------------------------------------------------
def _notify_published(post: Post) -> None:
    if post.author_id is None:
        return  # anonymous posts keep their author only encrypted: nobody to address in clear
    from whitewall.notifications.services import notify

    notify(
        recipients=[post.author],
        kind="wall.post_published",
        title=_("Your post is on the wall: %(title)s") % {"title": str(post)[:60]},
        body=_("It was published at %(time)s.")
        % {"time": timezone.localtime(post.published_at).strftime("%Y-%m-%d %H:%M")},
        url=public_url(post),
    )


def _publish_locked(current: Post, now: datetime.datetime) -> Post:
    current.status = Post.Status.PUBLISHED
    current.published_at = now
    current.save(update_fields=["status", "published_at", "updated"])
    _sync_plan_item(current, PlanItem.Status.PUBLISHED)
    bump_wall_version_on_commit()
    _notify_published(current)
    return current


@bumps_once()
@transaction.atomic
def post_publish(*, post: Post, actor=None) -> Post:
    """Publish ``post`` now (a scheduled or approved one). The job calls it for due posts."""
    _require_schedule(actor, post)
    current = _locked(post)
    if current.status not in SCHEDULABLE:
        raise ValidationError(
            {
                "status": _("Only approved or scheduled posts can be published; this one is “%(status)s”.")
                % {"status": current.get_status_display()}
            }
        )
    return _copy(post, _publish_locked(current, timezone.now()))


@bumps_once()
@transaction.atomic
def post_expire(*, post: Post, actor=None) -> Post:
    """Take a post whose expiry has passed off the wall (status ``expired``)."""
    _require_schedule(actor, post)
    current = _locked(post)
    if current.status not in EXPIRABLE:
        raise ValidationError(
            {
                "status": _("This post is “%(status)s” and cannot expire.")
                % {"status": current.get_status_display()}
            }
        )
    if current.expires_at is None or current.expires_at > timezone.now():
        raise ValidationError({"expires_at": _("This post has not reached its expiry yet.")})
    was_public = current.status == Post.Status.PUBLISHED
    current.status = Post.Status.EXPIRED
    current.save(update_fields=["status", "updated"])
    if was_public:
        bump_wall_version_on_commit()
    return _copy(post, current)


def _claim(pk: int, statuses, **conditions) -> Post | None:
    """The post ``pk`` locked for this transaction if it still matches, else None.

    On PostgreSQL a row another consumer holds is skipped (it is being handled); once that consumer
    commits, the row no longer matches. SQLite runs one writing transaction at a time.
    """
    queryset = Post.objects.filter(pk=pk, status__in=statuses, **conditions)
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True)
    return queryset.first()


@bumps_once()
def publish_due(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Publish every scheduled post whose slot has come, expire what has expired, stage the queue.

    Each post is claimed in its own short transaction, so a second consumer running at the same
    time finds it taken or already done: every due post is published exactly once. The wall's
    cache version moves on once per run, after the last commit (``cache.bumps_once``), however
    many posts went out or came down.
    """
    now = now or timezone.now()
    published = expired = hidden = 0
    due = list(
        Post.objects.filter(status=Post.Status.SCHEDULED, scheduled_for__lte=now)
        .order_by("scheduled_for", "pk")
        .values_list("pk", flat=True)
    )
    for pk in due:
        with transaction.atomic():
            current = _claim(pk, [Post.Status.SCHEDULED], scheduled_for__lte=now)
            if current is None:
                continue
            _publish_locked(current, now)
            published += 1
    ending = list(Post.objects.filter(status__in=EXPIRABLE, expires_at__lte=now).values_list("pk", flat=True))
    for pk in ending:
        with transaction.atomic():
            current = _claim(pk, EXPIRABLE, expires_at__lte=now)
            if current is None:
                continue
            was_public = current.status == Post.Status.PUBLISHED
            current.status = Post.Status.EXPIRED
            current.save(update_fields=["status", "updated"])
            expired += 1
            hidden += int(was_public)
    if published or hidden:
        bump_wall_version_on_commit()  # made once, when the run's block ends
    staged = stage_waiting()
    return {"published": published, "expired": expired, "staged": staged}
