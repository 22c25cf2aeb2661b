"""Background work on Huey, recorded where people can see it (NetBox's ``netbox/jobs.py`` pattern).

Two kinds of work:

* **Jobs** — user-visible work started by someone. Declare the function with ``@job_task()``; it
  receives a ``JobContext`` and keyword arguments (ids, never objects). Start it with
  ``enqueue_job(name, task, user=..., **kwargs)``: a ``Job`` row is written at once and the task is
  queued when the transaction commits. The function reports ``ctx.progress(pct, message)``.
* **Periodic tasks** — ``@periodic("app.name", label=..., minute=..., hour=...)`` registers a
  function run on a crontab schedule; every run is recorded in ``PeriodicRun`` and the registry
  (schedule, last run, next run, last result) is shown in the console.

Both retry with exponential backoff (policy ``jobs.retries``, ``jobs.retry_delay_seconds``,
doubling each time); when the last attempt fails, ``core.signals.job_failed`` is sent (the
notifications app tells the system administrators). Both are idempotent: a job or a run that
another worker already claimed is not run twice.
"""

from __future__ import annotations

import datetime
import json
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task
from huey.exceptions import RetryTask

from whitewall.config.policy import get_policy
from whitewall.core.signals import job_failed

logger = logging.getLogger(__name__)

MAX_LOG_LINES = 500


def retry_delay(attempt: int) -> int:
    """Seconds to wait after failed attempt number ``attempt`` (1-based): doubles each time."""
    return get_policy().jobs.retry_delay_seconds * 2 ** max(attempt - 1, 0)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _json_safe(value: Any) -> Any:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return str(value)
    return value


def _signal_failure(*, job, name: str, error: str) -> None:
    for receiver, response in job_failed.send_robust(sender=None, job=job, name=name, error=error):
        if isinstance(response, Exception):
            logger.error("job_failed receiver %r failed: %s", receiver, response)


# --- user-visible jobs ----------------------------------------------------------------------------
class JobContext:
    """What a running job uses to report: progress, log lines. Each call is written at once."""

    def __init__(self, job):
        self.job = job

    def _line(self, message: str) -> dict:
        return {"at": timezone.now().isoformat(timespec="seconds"), "message": str(message)}

    def log(self, message: str) -> None:
        from whitewall.core.models import Job

        self.job.log = [*self.job.log, self._line(message)][-MAX_LOG_LINES:]
        Job.objects.filter(pk=self.job.pk).update(log=self.job.log, updated=timezone.now())

    def progress(self, percent: float, message: str | None = None) -> None:
        from whitewall.core.models import Job

        value = int(max(0, min(100, round(percent))))
        self.job.progress = value
        changes: dict[str, Any] = {"progress": value, "updated": timezone.now()}
        if message:
            self.job.log = [*self.job.log, self._line(message)][-MAX_LOG_LINES:]
            changes["log"] = self.job.log
        Job.objects.filter(pk=self.job.pk).update(**changes)


_job_tasks: dict[str, Any] = {}


def job_task(name: str | None = None):
    """Declare ``fn(ctx: JobContext, **kwargs)`` as a job task (queued by ``enqueue_job``)."""

    def decorator(fn: Callable):
        task_name = name or f"{fn.__module__}.{fn.__qualname__}"

        @db_task(name=task_name)
        def run(job_id: int):
            return run_job(job_id, fn)

        run.job_function = fn
        run.job_task_name = task_name
        _job_tasks[task_name] = run
        return run

    return decorator


def enqueue_job(name: str, task, *, user=None, **kwargs):
    """Record a Job and queue ``task`` (made by ``@job_task``) when the transaction commits."""
    from whitewall.core.models import Job

    task_name = getattr(task, "job_task_name", None)
    if task_name is None or _job_tasks.get(task_name) is not task:
        raise ValueError(f"{task!r} is not declared with @job_task")
    try:
        json.dumps(kwargs)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"job arguments must be JSON (pass ids, not objects): {exc}")
    job = Job.objects.create(
        name=str(name)[:200],
        task=task_name,
        arguments=kwargs,
        created_by=user if getattr(user, "pk", None) else None,
    )
    transaction.on_commit(lambda: task(job.pk))
    return job


def run_job(job_id: int, fn: Callable) -> Any:
    """One attempt at a job: claim it (queued → running), run it, record the outcome."""
    from whitewall.core.models import Job

    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=Job.QUEUED).update(
        status=Job.RUNNING, started=now, attempts=F("attempts") + 1, updated=now
    )
    if not claimed:
        logger.info("job %s is not queued (missing, running or finished): skipped", job_id)
        return None
    job = Job.objects.get(pk=job_id)
    context = JobContext(job)
    try:
        result = fn(context, **job.arguments)
    except Exception as exc:
        error = _describe(exc)
        policy = get_policy().jobs
        if job.attempts <= policy.retries:
            delay = retry_delay(job.attempts)
            context.log(f"attempt {job.attempts} failed: {error}; retrying in {delay} s")
            Job.objects.filter(pk=job.pk).update(status=Job.QUEUED, error=error, updated=timezone.now())
            raise RetryTask(error, delay=delay)
        context.log(f"attempt {job.attempts} failed: {error}; giving up")
        Job.objects.filter(pk=job.pk).update(
            status=Job.FAILED,
            error=error + "\n\n" + traceback.format_exc(limit=20),
            finished=timezone.now(),
            updated=timezone.now(),
        )
        job.refresh_from_db()
        _signal_failure(job=job, name=job.name, error=error)
        return None
    Job.objects.filter(pk=job.pk).update(
        status=Job.SUCCEEDED,
        progress=100,
        result=_json_safe(result),
        error="",
        finished=timezone.now(),
        updated=timezone.now(),
    )
    return result


# --- periodic tasks ---------------------------------------------------------------------------------
_CRON_FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day", 1, 31), ("month", 1, 12), ("day_of_week", 0, 6))


def parse_cron_field(spec: str, low: int, high: int) -> list[int]:
    """``*``, ``*/n``, ``a``, ``a-b``, ``a-b/n`` and comma lists, as in crontab (huey's dialect)."""
    values: set[int] = set()
    for part in str(spec).split(","):
        part = part.strip()
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            step = int(step_text)
            if step < 1:
                raise ValueError(f"step must be positive in {spec!r}")
        if part in ("*", ""):
            start, end = low, high
        elif "-" in part:
            a, b = part.split("-", 1)
            start, end = int(a), int(b)
        else:
            start = int(part)
            end = high if step > 1 else start
        if start < low or end > high or start > end:
            raise ValueError(f"{spec!r} is outside {low}-{high}")
        values.update(range(start, end + 1, step))
    return sorted(values)


@dataclass
class PeriodicSpec:
    name: str
    label: Any
    schedule: dict[str, str]
    description: Any = ""
    task: Any = None
    _parsed: dict[str, list[int]] = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self._parsed = {key: parse_cron_field(self.schedule[key], lo, hi) for key, lo, hi in _CRON_FIELDS}

    @property
    def cron(self) -> str:
        return " ".join(self.schedule[key] for key, _lo, _hi in _CRON_FIELDS)

    def next_run(self, after: datetime.datetime | None = None) -> datetime.datetime | None:
        """The first scheduled minute after ``after`` (local time), within about 13 months."""
        now = timezone.localtime(after or timezone.now()).replace(second=0, microsecond=0)
        parsed = self._parsed
        day = now.date()
        for _ in range(400):
            if (
                day.month in parsed["month"]
                and day.day in parsed["day"]
                and day.isoweekday() % 7 in parsed["day_of_week"]
            ):
                for hour in parsed["hour"]:
                    for minute in parsed["minute"]:
                        naive = datetime.datetime.combine(day, datetime.time(hour, minute))
                        candidate = timezone.make_aware(naive, timezone.get_current_timezone())
                        if candidate > now:
                            return candidate
            day += datetime.timedelta(days=1)
        return None


_periodic: dict[str, PeriodicSpec] = {}


def periodic(
    name: str,
    *,
    label: Any,
    description: Any = "",
    minute: str = "*",
    hour: str = "*",
    day: str = "*",
    month: str = "*",
    day_of_week: str = "*",
):
    """Register ``fn()`` to run on a crontab schedule (local time), each run recorded.

    ``fn`` takes no arguments, must be idempotent, and returns a JSON-able summary.
    """
    schedule = {"minute": minute, "hour": hour, "day": day, "month": month, "day_of_week": day_of_week}

    def decorator(fn: Callable):
        if name in _periodic:
            raise ValueError(f"periodic task {name!r} is registered twice")
        spec = PeriodicSpec(name=name, label=label, description=description, schedule=schedule)

        @db_periodic_task(crontab(**schedule), name=name, context=True)
        def run(task=None):
            return run_periodic(spec, fn, task_id=getattr(task, "id", None))

        run.periodic_spec = spec
        run.function = fn
        spec.task = run
        _periodic[name] = spec
        return run

    return decorator


def periodic_tasks() -> list[PeriodicSpec]:
    return sorted(_periodic.values(), key=lambda spec: spec.name)


def get_periodic(name: str) -> PeriodicSpec | None:
    return _periodic.get(name)


def run_periodic(spec: PeriodicSpec, fn: Callable, *, task_id: str | None) -> Any:
    """One attempt at a periodic run: claim its slot (or resume its retry), run, record."""
    from whitewall.core.models import PeriodicRun

    now = timezone.now()
    task_id = task_id or f"local-{now.timestamp()}"
    run = PeriodicRun.objects.filter(task_id=task_id).first()
    if run is not None:
        if run.status in (PeriodicRun.SUCCEEDED, PeriodicRun.FAILED):
            return None
        claimed = PeriodicRun.objects.filter(pk=run.pk, status=PeriodicRun.RETRYING).update(
            status=PeriodicRun.RUNNING, attempts=F("attempts") + 1, updated=now
        )
        if not claimed:
            return None
        run.refresh_from_db()
    else:
        try:
            with transaction.atomic():
                run = PeriodicRun.objects.create(
                    name=spec.name,
                    task_id=task_id,
                    slot=now.replace(second=0, microsecond=0),
                    started=now,
                    status=PeriodicRun.RUNNING,
                )
        except IntegrityError:
            logger.info("periodic task %s: this slot was already claimed by another worker", spec.name)
            return None
    try:
        result = fn()
    except Exception as exc:
        error = _describe(exc)
        policy = get_policy().jobs
        if run.attempts <= policy.retries:
            delay = retry_delay(run.attempts)
            PeriodicRun.objects.filter(pk=run.pk).update(
                status=PeriodicRun.RETRYING, error=error, updated=timezone.now()
            )
            raise RetryTask(error, delay=delay)
        PeriodicRun.objects.filter(pk=run.pk).update(
            status=PeriodicRun.FAILED,
            error=error + "\n\n" + traceback.format_exc(limit=20),
            finished=timezone.now(),
            updated=timezone.now(),
        )
        _signal_failure(job=None, name=spec.name, error=error)
        return None
    PeriodicRun.objects.filter(pk=run.pk).update(
        status=PeriodicRun.SUCCEEDED,
        result=_json_safe(result),
        error="",
        finished=timezone.now(),
        updated=timezone.now(),
    )
    return result


def run_now(name: str):
    """Queue one run of a registered periodic task now (the console's "run now")."""
    spec = _periodic[name]
    task = spec.task.s()
    return HUEY.enqueue(task)
