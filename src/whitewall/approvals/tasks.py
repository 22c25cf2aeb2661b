"""Periodic jobs of the approval engine. Idempotent: each reminder and escalation is claimed in the
database (a conditional UPDATE), so a second consumer running the same schedule finds nothing."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/15"))
def approvals_remind_overdue():
    from whitewall.approvals.services import approval_remind_overdue

    return approval_remind_overdue()
