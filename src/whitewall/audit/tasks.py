"""Periodic signed checkpoints of the audit chain (every policy ``audit.checkpoint_minutes``)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from whitewall.config.policy import get_policy
from whitewall.core.jobs import job_task

VERIFY_TASK = "audit.verify"


def checkpoint_schedule(minutes: int):
    """A crontab (local time: the queue runs with ``utc=False``) for "every N minutes"."""
    if minutes < 60:
        return crontab(minute=f"*/{minutes}")
    if minutes % 60 == 0:
        return crontab(minute="0", hour=f"*/{minutes // 60}")
    return crontab(minute="0")  # not a whole number of hours: hourly is the nearest safe choice


@db_periodic_task(checkpoint_schedule(get_policy().audit.checkpoint_minutes), name="audit.checkpoint")
def audit_checkpoint() -> dict:
    """Note a changed policy file, then sign the chain's current head into the checkpoint file."""
    from whitewall.audit.services import policy_sync, write_checkpoint

    policy_sync()
    mark = write_checkpoint()
    return {"seq": mark.seq, "hash": mark.hash, "count": mark.count, "time": mark.time}


@job_task(VERIFY_TASK)
def audit_verify(ctx) -> dict:
    """The same verification as ``whitewall audit verify``, as a job someone started."""
    from whitewall.audit.services import verify_chain

    ctx.progress(0, "verifying the audit chain")
    result = verify_chain()
    for problem in result.problems[:20]:
        ctx.log(f"event #{problem.seq}: {problem.kind}: {problem.message}")
    ctx.progress(100, result.summary())
    return result.as_dict()


def start_verification(*, user):
    """Queue a verification of the whole chain as a job ``user`` can follow (console and API)."""
    from django.utils.translation import gettext

    from whitewall.core.jobs import enqueue_job

    return enqueue_job(gettext("Verify the audit chain"), audit_verify, user=user)
