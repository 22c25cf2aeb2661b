"""Publishing slots: when a post may go out, from the policy's publishing hours, gap and daily cap.

A slot is a moment (to the minute) inside the publishing hours ``[publish_start_hour,
publish_end_hour)`` of a local day (the site's time zone, Asia/Shanghai by default), at least
``slot_min_gap_minutes`` away from every other scheduled or published post, on a day that has fewer
than ``daily_cap`` posts. Already published posts count at their publication time, scheduled posts
at their slot. Pure reads: the services in ``services.publishing`` take the lock and write.
"""

from __future__ import annotations

import bisect
import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from whitewall.config.policy import get_policy
from whitewall.wall.models import Post

# The statuses that hold a slot, and the moment each holds it at.
TAKING_SLOTS = (Post.Status.SCHEDULED, Post.Status.PUBLISHED)
MAX_DAYS_AHEAD = 366
CHUNK_DAYS = 31  # days of taken slots read per query when looking ahead


@dataclass(frozen=True)
class SlotRules:
    gap: datetime.timedelta
    daily_cap: int
    start_hour: int
    end_hour: int

    @classmethod
    def from_policy(cls) -> SlotRules:
        wall = get_policy().wall
        return cls(
            gap=datetime.timedelta(minutes=wall.slot_min_gap_minutes),
            daily_cap=wall.daily_cap,
            start_hour=wall.publish_start_hour,
            end_hour=wall.publish_end_hour,
        )


def local_day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Midnight to midnight of ``day`` in the current time zone, as aware datetimes."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time()), tz)
    end = timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()), tz
    )
    return start, end


def publishing_window(day: datetime.date, rules: SlotRules) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rules.start_hour)), tz)
    if rules.end_hour >= 24:
        end = local_day_bounds(day)[1]
    else:
        end = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rules.end_hour)), tz)
    return start, end


def _ceil_minute(moment: datetime.datetime) -> datetime.datetime:
    floored = moment.replace(second=0, microsecond=0)
    return floored if floored == moment else floored + datetime.timedelta(minutes=1)


def taken_times(
    start: datetime.datetime, end: datetime.datetime, *, exclude_pk: int | None = None
) -> list[tuple[datetime.datetime, int]]:
    """(moment, post id) of every post holding a slot in [start, end), in order: one query."""
    rows = (
        Post.objects.filter(
            Q(status=Post.Status.SCHEDULED, scheduled_for__gte=start, scheduled_for__lt=end)
            | Q(status=Post.Status.PUBLISHED, published_at__gte=start, published_at__lt=end)
        )
        .order_by()
        .values_list("status", "scheduled_for", "published_at", "pk")
    )
    rows = [
        (published if status == Post.Status.PUBLISHED else scheduled, pk)
        for status, scheduled, published, pk in rows
    ]
    return sorted((moment, pk) for moment, pk in rows if pk != exclude_pk)


def slot_problems(
    when: datetime.datetime, *, exclude_pk: int | None = None, rules: SlotRules | None = None
) -> list[str]:
    """Why ``when`` is not a valid slot (empty when it is): hours, gap, daily cap."""
    rules = rules or SlotRules.from_policy()
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    local = timezone.localtime(when)
    problems = []
    window_start, window_end = publishing_window(local.date(), rules)
    if not window_start <= when < window_end:
        problems.append(
            _("Posts go out only between %(start)02d:00 and %(end)02d:00.")
            % {"start": rules.start_hour, "end": rules.end_hour}
        )
    day_start, day_end = local_day_bounds(local.date())
    around_start = min(day_start, when - rules.gap)
    around_end = max(day_end, when + rules.gap + datetime.timedelta(microseconds=1))
    taken = taken_times(around_start, around_end, exclude_pk=exclude_pk)
    same_day = [moment for moment, _pk in taken if day_start <= moment < day_end]
    if len(same_day) >= rules.daily_cap:
        problems.append(
            _("%(day)s already has %(count)d posts, the daily cap.")
            % {"day": local.date().isoformat(), "count": rules.daily_cap}
        )
    if rules.gap:
        close = [moment for moment, _pk in taken if abs(moment - when) < rules.gap]
        if close:
            problems.append(
                _("Another post goes out at %(time)s; posts must be at least %(gap)d minutes apart.")
                % {
                    "time": timezone.localtime(close[0]).strftime("%Y-%m-%d %H:%M"),
                    "gap": int(rules.gap.total_seconds() // 60),
                }
            )
    return problems


def next_free_slot(
    after: datetime.datetime | None = None, *, exclude_pk: int | None = None, rules: SlotRules | None = None
) -> datetime.datetime:
    """The first valid slot at or after ``after`` (default now), to the minute.

    Reads the taken slots a month at a time (one query per month looked at). Raises
    ``ValueError`` when no slot is free within a year, which only a policy with no room can cause.
    """
    rules = rules or SlotRules.from_policy()
    candidate = _ceil_minute(after or timezone.now())
    day = timezone.localtime(candidate).date()
    moments: list[datetime.datetime] = []
    per_day: Counter = Counter()
    loaded_until = None  # the local day up to which (exclusive) ``taken`` is complete
    for _i in range(MAX_DAYS_AHEAD):
        if loaded_until is None or day >= loaded_until:
            loaded_until = day + datetime.timedelta(days=CHUNK_DAYS)
            chunk_start = local_day_bounds(day)[0] - rules.gap - datetime.timedelta(days=1)
            chunk_end = local_day_bounds(loaded_until)[0] + rules.gap + datetime.timedelta(days=1)
            taken = taken_times(chunk_start, chunk_end, exclude_pk=exclude_pk)
            moments = [t for t, _pk in taken]
            per_day = Counter(timezone.localtime(t).date() for t in moments)
        window_start, window_end = publishing_window(day, rules)
        moment = max(candidate, window_start)
        if moment < window_end and per_day[day] < rules.daily_cap:
            low = bisect.bisect_right(moments, window_start - rules.gap)
            high = bisect.bisect_left(moments, window_end + rules.gap)
            near = moments[low:high]
            # Walk forward past every post closer than the gap; the list is sorted.
            moved = True
            while moved and moment < window_end:
                moved = False
                for t in near:
                    if abs(t - moment) < rules.gap:
                        moment = _ceil_minute(t + rules.gap)
                        moved = True
            if moment < window_end:
                return moment
        day += datetime.timedelta(days=1)
    raise ValueError("no free publishing slot within a year")
