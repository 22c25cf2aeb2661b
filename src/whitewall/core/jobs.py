"""Background work on Huey, recorded where people can see it (NetBox's ``netbox/jobs.py`` pattern).

Two kinds of work:

* **Jobs** — user-visible work started by someone. Declare the function with ``@job_task()``; it
  receives a ``JobContext`` and keyword arguments (ids, never objects). Start it with
  ``enqueue_job(name, task, user=..., **kwargs)``: a ``Job`` row is written at once and the task is
  queued when the transaction commits. The function reports ``ctx.progress(pct, message)``.
* **Periodic tasks** — ``@periodic("app.name", label=..., minute=..., hour=...)`` registers a
  function run on a crontab schedule; every run is recorded in ``PeriodicRun`` and the registry
  (schedule, last run, next run, last result) is shown in the console. The console lists every
  periodic task Huey knows, including those declared with plain ``db_periodic_task`` (shown by
  their task name, their crontab read back from Huey); runs of those are recorded too, by Huey
  pre/post-execute hooks installed here.

Both retry with exponential backoff (policy ``jobs.retries``, ``jobs.retry_delay_seconds``,
doubling each time); when the last attempt fails, ``core.signals.job_failed`` is sent (the
notifications app tells the system administrators). Both are idempotent: a job or a run that
another worker already claimed is not run twice.
"""

from __future__ import annotations

import datetime
import inspect
import json
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, close_old_connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from huey import crontab
from huey.api import PeriodicTask
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
    """One periodic task as the console shows it. ``schedule`` is None when Huey's task has a
    schedule that is not a crontab (``validate`` then answers "is this minute due?")."""

    name: str
    label: Any
    schedule: dict[str, str] | None
    description: Any = ""
    task: Any = None
    task_class: Any = None
    validate: Callable[[datetime.datetime], bool] | None = field(default=None, repr=False)
    _parsed: dict[str, list[int]] = field(default_factory=dict, repr=False)

    def __post_init__(self):
        if self.schedule is not None:
            self._parsed = {key: parse_cron_field(self.schedule[key], lo, hi) for key, lo, hi in _CRON_FIELDS}

    @property
    def cron(self) -> str:
        if self.schedule is None:
            return ""
        return " ".join(self.schedule[key] for key, _lo, _hi in _CRON_FIELDS)

    def next_run(self, after: datetime.datetime | None = None) -> datetime.datetime | None:
        """The first scheduled minute after ``after`` (local time), within about 13 months."""
        now = timezone.localtime(after or timezone.now()).replace(second=0, microsecond=0)
        if self.schedule is None:
            return self._next_by_validation(now)
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

    def _next_by_validation(self, now: datetime.datetime) -> datetime.datetime | None:
        """Ask Huey's own test minute by minute (within a week) when the schedule is not a crontab."""
        if self.validate is None:
            return None
        candidate = now
        for _ in range(7 * 24 * 60):
            candidate += datetime.timedelta(minutes=1)
            try:
                due = self.validate(candidate.replace(tzinfo=None))
            except Exception:  # a custom test that fails: no next run to show
                return None
            if due:
                return candidate
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
        spec.task_class = run.task_class
        _periodic[name] = spec
        return run

    return decorator


# Huey's crontab() keeps its allowed values in this order; the console writes them the other way.
_HUEY_CRON_ORDER = ("month", "day", "day_of_week", "hour", "minute")
_CRON_LIMITS = {key: (lo, hi) for key, lo, hi in _CRON_FIELDS}
_discovered = False


def _cron_text(values, low: int, high: int) -> str:
    """Allowed values back to crontab text: ``*``, ``*/n``, ``a`` or ``a,b,c``."""
    values = sorted(set(values))
    if values == list(range(low, high + 1)):
        return "*"
    if len(values) == 1:
        return str(values[0])
    step = values[1] - values[0]
    if values[0] == low and values == list(range(low, high + 1, step)):
        return f"*/{step}"
    return ",".join(str(value) for value in values)


def _huey_validator(task_class) -> Callable | None:
    """The function Huey asks "is this minute due?" (what ``periodic_task()`` was given)."""
    method = getattr(task_class, "validate_datetime", None)
    if method is None:
        return None
    try:
        return inspect.getclosurevars(method).nonlocals.get("validate_datetime")
    except (TypeError, ValueError):
        return None


def _huey_schedule(validator: Callable | None) -> dict[str, str] | None:
    """The crontab fields of a schedule made by ``huey.crontab()``, or None for anything else."""
    if validator is None:
        return None
    try:
        settings = inspect.getclosurevars(validator).nonlocals.get("cron_settings")
    except (TypeError, ValueError):
        return None
    if not isinstance(settings, list) or len(settings) != len(_HUEY_CRON_ORDER):
        return None
    schedule = {}
    for key, values in zip(_HUEY_CRON_ORDER, settings, strict=True):
        if key == "day_of_week":
            values = {value % 7 for value in values}  # Huey accepts 7 for Sunday too
        schedule[key] = _cron_text(values, *_CRON_LIMITS[key])
    return schedule


def _huey_spec(task_class) -> PeriodicSpec:
    """A console entry for a periodic task declared with plain ``db_periodic_task``."""
    name = task_class.__name__
    validator = _huey_validator(task_class)
    schedule = _huey_schedule(validator)
    try:
        spec = PeriodicSpec(name=name, label=name, schedule=schedule, task_class=task_class)
    except ValueError:  # values this registry cannot write back: ask Huey minute by minute
        spec = PeriodicSpec(name=name, label=name, schedule=None, task_class=task_class)
    if spec.schedule is None and validator is not None:
        spec.validate = validator
    return spec


def _discover_task_modules() -> None:
    """Import every app's ``tasks`` module, as the consumer does, so the web process knows the
    same periodic tasks as ``run_huey``."""
    global _discovered
    if not _discovered:
        autodiscover_modules("tasks")
        _discovered = True


def _huey_periodic_classes() -> list:
    """The task classes of Huey's periodic tasks (its registry hands out one instance of each)."""
    return [type(task) for task in HUEY._registry.periodic_tasks]


def periodic_tasks() -> list[PeriodicSpec]:
    """Every periodic task Huey knows: those registered with ``@periodic`` (label, description)
    and those declared with plain ``db_periodic_task`` (named by their task name)."""
    _discover_task_modules()
    specs = dict(_periodic)
    for task_class in _huey_periodic_classes():
        name = task_class.__name__
        if name not in specs:
            specs[name] = _huey_spec(task_class)
    return sorted(specs.values(), key=lambda spec: spec.name)


def get_periodic(name: str) -> PeriodicSpec | None:
    spec = _periodic.get(name)
    if spec is not None:
        return spec
    _discover_task_modules()
    for task_class in _huey_periodic_classes():
        if task_class.__name__ == name:
            return _huey_spec(task_class)
    return None


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
    """Queue one run of a periodic task now (the console's "run now")."""
    spec = get_periodic(name)
    if spec is None:
        raise KeyError(name)
    task = spec.task.s() if spec.task is not None else spec.task_class()
    return HUEY.enqueue(task)


# --- runs of periodic tasks declared with plain db_periodic_task ----------------------------------
# ``@periodic`` tasks record their own runs (``run_periodic``: claim, retry, result). Any other
# periodic task Huey runs is recorded by these hooks, so that the console shows the last run and
# result of every scheduled task. They never stop a task: a slot another worker already recorded
# (several consumers, or "run now" twice in a minute) is simply not recorded twice.
def _recorded_elsewhere(task) -> bool:
    return not isinstance(task, PeriodicTask) or type(task).__name__ in _periodic


def _fresh_connection() -> None:
    if not HUEY.immediate:
        close_old_connections()


def record_periodic_start(task) -> None:
    """Huey pre-execute hook: note that a periodic task began (or began its retry)."""
    if _recorded_elsewhere(task):
        return
    from whitewall.core.models import PeriodicRun

    _fresh_connection()
    now = timezone.now()
    run = PeriodicRun.objects.filter(task_id=task.id).first()
    if run is not None:
        PeriodicRun.objects.filter(pk=run.pk, status=PeriodicRun.RETRYING).update(
            status=PeriodicRun.RUNNING, attempts=F("attempts") + 1, updated=now
        )
        return
    try:
        with transaction.atomic():
            PeriodicRun.objects.create(
                name=type(task).__name__,
                task_id=task.id,
                slot=now.replace(second=0, microsecond=0),
                started=now,
                status=PeriodicRun.RUNNING,
            )
    except IntegrityError:
        logger.info("periodic task %s: this slot was already recorded", type(task).__name__)


def record_periodic_end(task, value, exc) -> None:
    """Huey post-execute hook: record the outcome (result, retry or final failure)."""
    if _recorded_elsewhere(task):
        return
    from whitewall.core.models import PeriodicRun

    name = type(task).__name__
    now = timezone.now()
    mine = PeriodicRun.objects.filter(task_id=task.id, status=PeriodicRun.RUNNING)
    try:
        if exc is None:
            mine.update(
                status=PeriodicRun.SUCCEEDED, result=_json_safe(value), error="", finished=now, updated=now
            )
        elif task.retries:  # Huey runs it again
            mine.update(status=PeriodicRun.RETRYING, error=_describe(exc), updated=now)
        else:
            trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__, limit=20))
            if mine.update(
                status=PeriodicRun.FAILED,
                error=_describe(exc) + "\n\n" + trace,
                finished=now,
                updated=now,
            ):
                _signal_failure(job=None, name=name, error=_describe(exc))
    finally:
        _fresh_connection()


HUEY.pre_execute(name="whitewall.core.record_periodic_start")(record_periodic_start)
HUEY.post_execute(name="whitewall.core.record_periodic_end")(record_periodic_end)
