"""The publishing calendar: the days of a month or a week with their plan items and posts.

Three queries whatever the range: plan items, posts that hold or held a slot, and (for the
horizon highlight) nothing more, since both lists cover it.
"""

from __future__ import annotations

import calendar as pycalendar
import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from whitewall.config.policy import get_policy
from whitewall.core.permissions import has_model_permission
from whitewall.wall.models import PlanItem, Post
from whitewall.wall.slots import local_day_bounds

MONTH, WEEK = "month", "week"
POST_STATUSES = (Post.Status.SCHEDULED, Post.Status.PUBLISHED)


@dataclass
class Day:
    date: datetime.date
    in_period: bool
    items: list = field(default_factory=list)
    posts: list = field(default_factory=list)
    in_horizon: bool = False
    is_today: bool = False
    is_past: bool = False

    @property
    def planned_count(self) -> int:
        return len(self.items) + len([p for p in self.posts if not getattr(p, "plan_item_id", None)])

    @property
    def is_thin(self) -> bool:
        """In the horizon with fewer planned pieces than the policy asks for."""
        return self.in_horizon and self.planned_count < get_policy().wall.plan_min_items_per_day


@dataclass
class CalendarPage:
    mode: str
    anchor: datetime.date
    start: datetime.date
    end: datetime.date  # exclusive
    weeks: list[list[Day]]
    previous: datetime.date
    next: datetime.date
    overdue_posts: list
    overdue_items: list

    @property
    def days(self) -> list[Day]:
        return [day for week in self.weeks for day in week]

    @property
    def thin_days(self) -> list[Day]:
        return [day for day in self.days if day.is_thin]


def visible_posts(user):
    """Posts the user may see in the plan: those they may schedule, else those they may view."""
    if has_model_permission(user, Post, "schedule"):
        return Post.objects.restrict(user, "schedule")
    return Post.objects.restrict(user, "view")


def period(
    mode: str, anchor: datetime.date
) -> tuple[datetime.date, datetime.date, datetime.date, datetime.date]:
    """(first shown day, end exclusive, previous anchor, next anchor); weeks start on Monday."""
    if mode == WEEK:
        start = anchor - datetime.timedelta(days=anchor.weekday())
        return (
            start,
            start + datetime.timedelta(days=7),
            start - datetime.timedelta(days=7),
            start + datetime.timedelta(days=7),
        )
    first = anchor.replace(day=1)
    last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
    start = first - datetime.timedelta(days=first.weekday())
    end = last + datetime.timedelta(days=7 - last.weekday())
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = last + datetime.timedelta(days=1)
    return start, end, previous, following


def build(user, *, mode: str = MONTH, anchor: datetime.date | None = None) -> CalendarPage:
    today = timezone.localdate()
    anchor = anchor or today
    mode = WEEK if mode == WEEK else MONTH
    start, end, previous, following = period(mode, anchor)
    range_start, _x = local_day_bounds(start)
    range_end, _y = local_day_bounds(end)
    horizon_end = today + datetime.timedelta(days=get_policy().wall.plan_horizon_days)
    days = {}
    cursor = start
    while cursor < end:
        days[cursor] = Day(
            date=cursor,
            in_period=mode == WEEK or cursor.month == anchor.month,
            in_horizon=today <= cursor < horizon_end,
            is_today=cursor == today,
            is_past=cursor < today,
        )
        cursor += datetime.timedelta(days=1)
    items = (
        PlanItem.objects.restrict(user, "view")
        .filter(slot__gte=range_start, slot__lt=range_end)
        .exclude(status=PlanItem.Status.CANCELLED)
        .select_related("topic", "owner", "post")
        .order_by("slot")
    )
    for item in items:
        days[timezone.localtime(item.slot).date()].items.append(item)
    posts = (
        visible_posts(user)
        .filter(
            Q(status=Post.Status.SCHEDULED, scheduled_for__gte=range_start, scheduled_for__lt=range_end)
            | Q(status=Post.Status.PUBLISHED, published_at__gte=range_start, published_at__lt=range_end)
        )
        .filter(plan_item__isnull=True)
        .select_related("topic")
        .order_by("scheduled_for", "published_at")
    )
    for post in posts:
        moment = post.published_at if post.status == Post.Status.PUBLISHED else post.scheduled_for
        post.slot = moment
        days[timezone.localtime(moment).date()].posts.append(post)
    for day in days.values():
        day.posts.sort(key=lambda post: post.slot)
    weeks = [list(days.values())[i : i + 7] for i in range(0, len(days), 7)]
    now = timezone.now()
    overdue_posts = list(
        visible_posts(user)
        .filter(status=Post.Status.SCHEDULED, scheduled_for__lt=now)
        .select_related("topic")
        .order_by("scheduled_for")[:50]
    )
    overdue_items = list(
        PlanItem.objects.restrict(user, "view")
        .filter(slot__lt=now)
        .exclude(status__in=(PlanItem.Status.PUBLISHED, PlanItem.Status.CANCELLED))
        .select_related("topic")
        .order_by("slot")[:50]
    )
    return CalendarPage(
        mode=mode,
        anchor=anchor,
        start=start,
        end=end,
        weeks=weeks,
        previous=previous,
        next=following,
        overdue_posts=overdue_posts,
        overdue_items=overdue_items,
    )
