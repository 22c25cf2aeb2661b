"""Part of clause 2.3.2: "the calendar is filled for the coming period".

``calendar_status()`` is one component of the 2.3.2 check (combined with the review
checks); it registers nothing itself. Each of the next ``plan_horizon_days`` local days must hold at
least ``plan_min_items_per_day`` planned pieces: plan items that are not cancelled, or posts already
scheduled there without a plan item.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from whitewall.config.policy import get_policy
from whitewall.regulation.checks import CheckResult, Status
from whitewall.wall.models import PlanItem, Post
from whitewall.wall.slots import local_day_bounds


def calendar_status(now: datetime.datetime | None = None) -> CheckResult:
    policy = get_policy().wall
    today = timezone.localdate(now) if now else timezone.localdate()
    days = [today + datetime.timedelta(days=i) for i in range(policy.plan_horizon_days)]
    since, _x = local_day_bounds(days[0])
    until, _y = local_day_bounds(days[-1] + datetime.timedelta(days=1))
    tz = timezone.get_current_timezone()
    counts = dict.fromkeys(days, 0)
    for slot in (
        PlanItem.objects.filter(slot__gte=since, slot__lt=until)
        .exclude(status=PlanItem.Status.CANCELLED)
        .values_list("slot", flat=True)
    ):
        counts[slot.astimezone(tz).date()] += 1
    for moment in Post.objects.filter(
        Q(status=Post.Status.SCHEDULED, scheduled_for__gte=since, scheduled_for__lt=until),
        plan_item__isnull=True,
    ).values_list("scheduled_for", flat=True):
        counts[moment.astimezone(tz).date()] += 1
    needed = policy.plan_min_items_per_day
    thin = [day for day, count in counts.items() if count < needed]
    evidence = reverse("wall:plan")
    figures = {"days": len(days), "filled_days": len(days) - len(thin), "min_per_day": needed}
    if needed == 0 or not thin:
        return CheckResult(
            Status.GREEN,
            _("Every one of the next %(days)d days has at least %(min)d planned posts.")
            % {"days": len(days), "min": needed},
            evidence,
            figures,
        )
    listed = ", ".join(day.strftime("%m-%d") for day in thin[:7]) + ("…" if len(thin) > 7 else "")
    status = Status.RED if len(thin) * 2 > len(days) else Status.AMBER
    return CheckResult(
        status,
        _("%(thin)d of the next %(days)d days have fewer than %(min)d planned posts: %(list)s.")
        % {"thin": len(thin), "days": len(days), "min": needed, "list": listed},
        evidence,
        figures,
    )
