"""Driving the queue in tests: the test settings run tasks inline (immediate mode), and a retry
is put on Huey's (in-memory) schedule with its delay. These helpers run what is scheduled, at once,
as the consumer would when its time comes — no waiting, no timing in assertions."""

from __future__ import annotations

import datetime

from django.db import connection
from huey.contrib.djhuey import HUEY

FAR_FUTURE = datetime.datetime(2999, 1, 1)


def flush_queue() -> None:
    """Forget whatever earlier tests left queued or scheduled."""
    HUEY.storage.flush_all()


def scheduled_count() -> int:
    return HUEY.scheduled_count()


def run_scheduled_tasks(testcase=None, *, rounds: int = 1) -> int:
    """Run every scheduled (retrying) task once per round; returns how many ran.

    Pass the TestCase so that work queued with ``transaction.on_commit`` inside the task runs too.
    """
    ran = 0
    for _ in range(rounds):
        tasks = HUEY.read_schedule(FAR_FUTURE)
        if not tasks:
            break
        for task in tasks:
            task.eta = None  # its time has come
            if testcase is not None and connection.in_atomic_block:
                with testcase.captureOnCommitCallbacks(execute=True):
                    HUEY.execute(task)
            else:
                HUEY.execute(task)
            ran += 1
    return ran
