"""core's own periodic work: forgetting finished job records after the policy's keep_days."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from whitewall.config.policy import get_policy
from whitewall.core.jobs import periodic


def cleanup_finished_jobs(now: datetime.datetime | None = None) -> dict[str, int]:
    """Delete finished jobs and periodic runs older than policy ``jobs.keep_days`` (idempotent)."""
    from whitewall.core.models import Job, PeriodicRun

    cutoff = (now or timezone.now()) - datetime.timedelta(days=get_policy().jobs.keep_days)
    jobs, _detail = Job.objects.filter(status__in=Job.FINISHED, finished__lt=cutoff).delete()
    runs, _detail = PeriodicRun.objects.filter(finished__lt=cutoff).delete()
    return {"jobs_deleted": jobs, "runs_deleted": runs}


@periodic(
    "core.cleanup_jobs",
    label=_("Remove old job records"),
    description=_("Deletes finished jobs and periodic task runs older than the policy's jobs.keep_days."),
    minute="30",
    hour="3",
)
def cleanup_jobs():
    return cleanup_finished_jobs()
