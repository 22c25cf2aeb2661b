"""Reads of the regulation board that several pages share."""

from __future__ import annotations

import datetime
from collections import OrderedDict

from django.utils import timezone

from whitewall.config.policy import SECTION_CLAUSES
from whitewall.regulation.checks import Status, is_registered
from whitewall.regulation.models import Chapter, CheckRun, CheckSnapshot, Clause

PENDING = "pending"  # a check exists but has not run since it was registered
STATUS_ORDER = [Status.RED.value, Status.AMBER.value, Status.GREEN.value, Status.NOT_BUILT.value]


def latest_run() -> CheckRun | None:
    """The most recent finished run that describes the present (recomputed runs are history)."""
    return (
        CheckRun.objects.filter(finished_at__isnull=False)
        .exclude(trigger=CheckRun.Trigger.RECOMPUTED)
        .order_by("-started_at", "-pk")
        .first()
    )


def latest_statuses(user=None) -> dict:
    """Every clause's status in the latest run: its snapshot, or not built yet, or pending."""
    run = latest_run()
    snapshots = CheckSnapshot.objects.all() if user is None else CheckSnapshot.objects.restrict(user, "view")
    by_code = {}
    if run is not None:
        by_code = {s.clause.code: s for s in snapshots.filter(run=run).select_related("clause")}
    counts = dict.fromkeys([*STATUS_ORDER, PENDING], 0)
    statuses = {}
    for code in Clause.objects.values_list("code", flat=True):
        snapshot = by_code.get(code)
        if snapshot is not None:
            status = snapshot.status
        elif is_registered(code):
            status = PENDING
        else:
            status = Status.NOT_BUILT.value
        statuses[code] = status
        counts[status] += 1
    return {"run": run, "snapshots": by_code, "statuses": statuses, "counts": counts}


def board(user, status: str | None = None) -> dict:
    """Chapters → clauses with their latest status, counts per status and per chapter."""
    latest = latest_statuses(user)
    clauses = Clause.objects.restrict(user, "view").select_related("chapter").order_by("sort_key")
    chapters: OrderedDict[int, dict] = OrderedDict()
    for chapter in Chapter.objects.order_by("number"):
        chapters[chapter.pk] = {
            "chapter": chapter,
            "rows": [],
            "counts": dict.fromkeys([*STATUS_ORDER, PENDING], 0),
        }
    for clause in clauses:
        clause_status = latest["statuses"].get(clause.code, Status.NOT_BUILT.value)
        entry = chapters[clause.chapter_id]
        entry["counts"][clause_status] += 1
        if status and clause_status != status:
            continue
        entry["rows"].append(
            {"clause": clause, "status": clause_status, "snapshot": latest["snapshots"].get(clause.code)}
        )
    return {
        "run": latest["run"],
        "counts": latest["counts"],
        "chapters": [c for c in chapters.values() if c["rows"] or not status],
        "total": sum(latest["counts"].values()),
    }


def trend(days: int = 90, now: datetime.datetime | None = None) -> dict:
    """Per day, the counts of the last finished run that day (recomputed runs included)."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=days)
    per_day: dict[str, dict] = {}
    for run in (
        CheckRun.objects.filter(finished_at__isnull=False, started_at__gte=since)
        .order_by("started_at", "pk")
        .only("started_at", "counts", "trigger")
    ):
        day = timezone.localdate(run.started_at).isoformat()
        per_day[day] = {"counts": run.counts, "recomputed": run.trigger == CheckRun.Trigger.RECOMPUTED}
    dates = sorted(per_day)
    return {
        "dates": dates,
        "series": {status: [per_day[d]["counts"].get(status, 0) for d in dates] for status in STATUS_ORDER},
        "recomputed": [per_day[d]["recomputed"] for d in dates],
    }


def clause_history(user, clause: Clause, limit: int = 100) -> list[CheckSnapshot]:
    return list(
        CheckSnapshot.objects.restrict(user, "view")
        .filter(clause=clause)
        .select_related("run")
        .order_by("-taken_at", "-pk")[:limit]
    )


def policy_sections_for(code: str) -> list[str]:
    return [section for section, codes in SECTION_CLAUSES.items() if code in codes]
