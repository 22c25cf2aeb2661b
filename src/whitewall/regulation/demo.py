"""Demo data: regulation version 1.0 in force, most staff acknowledged it, and a board with history.

The history is honest: earlier points are the same checks recomputed for those dates (only the
checks that can compute a past state), from the demo's acknowledgement dates — nothing invented.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from whitewall.regulation import services
from whitewall.regulation.models import Acknowledgement, AcknowledgementReminder, RegulationVersion

EARLY = ["executive", "admin", "ops_manager", "hr", "security", "finance", "dept_head", "auditor"]
LATER = [
    "operator",
    "reviewer",
    "support",
    "marketing",
    "liu.yang",
    "xu.na",
    "ma.lin",
    "zhu.hao",
    "hu.jun",
    "liang.qian",
    "song.wei",
]
NOT_YET = ["guo.ting", "luo.bin", "tang.li"]


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def seed_regulation() -> str:
    if RegulationVersion.objects.filter(number="1.0").exists():
        return "already present"
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=EARLY + LATER + NOT_YET)}
    version = RegulationVersion.objects.create(
        number="1.0",
        name="白墙运营规章制度",
        effective_date=datetime.date(2026, 1, 1),
        summary="首次发布：总则、运营流程、人员、安全、财务与保密管理六章。",
    )
    services.regulation_version_publish(actor=None, version=version)
    RegulationVersion.objects.filter(pk=version.pk).update(
        published_at=_at(datetime.date(2025, 12, 20), 10), published_by=users.get("admin")
    )
    today = timezone.localdate()
    acknowledged = []
    for index, username in enumerate(EARLY):
        if username in users:
            day = datetime.date(2026, 1, 2) + datetime.timedelta(days=index)
            acknowledged.append(
                Acknowledgement(user=users[username], version=version, acknowledged_at=_at(day, 10))
            )
    for index, username in enumerate(LATER):
        if username in users:
            day = today - datetime.timedelta(days=80 - index * 7)
            acknowledged.append(
                Acknowledgement(user=users[username], version=version, acknowledged_at=_at(day, 15))
            )
    Acknowledgement.objects.bulk_create(acknowledged)
    reminders = [
        AcknowledgementReminder(user=users[username], version=version, day=day, sent_at=_at(day, 9))
        for username in NOT_YET
        if username in users
        for day in (today - datetime.timedelta(days=6), today - datetime.timedelta(days=3))
    ]
    AcknowledgementReminder.objects.bulk_create(reminders)
    # The board's history: the checks that can compute a past state, recomputed weekly.
    recomputed = 0
    for weeks_ago in range(12, 0, -1):
        services.check_run_recompute(as_of=_at(today - datetime.timedelta(weeks=weeks_ago), 12))
        recomputed += 1
    run = services.checks_run_now(actor=None)
    counts = ", ".join(f"{key} {value}" for key, value in run.counts.items())
    return (
        f"version 1.0 in force, {len(acknowledged)} acknowledgements, {len(NOT_YET)} still to do; "
        f"{recomputed} recomputed runs and a first check run ({counts})"
    )
