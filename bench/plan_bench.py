"""Publishing benchmark: the publishing job's throughput (one and two consumers), slot search, and
the analytics computation over a realistic volume, on SQLite and PostgreSQL.

    PYTHONPATH=src python bench/plan_bench.py            # or: make bench-plan
    BENCH_DATABASE_URL=postgres://user@host:5432/dbname python bench/plan_bench.py

Each database runs in its own process on a fresh database (SQLite: a temporary directory;
PostgreSQL: BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/ww_plan_bench, dropped
and created again; skipped when the server cannot be reached). Figures are printed and written to
bench/results/plan.json and plan.md.
"""

from __future__ import annotations

import datetime
import random
import statistics
import sys
import time
from pathlib import Path

import _harness as harness

DUE = 1000  # due posts published by one consumer, then again by two at once
ANALYTICS_POSTS, ANALYTICS_DAYS = 5000, 30  # published posts and days of daily views
SCHEDULED_AHEAD = 2000  # posts already scheduled when looking for the next free slot


def child(backend: str, url: str | None, redis: str | None, out: Path, options) -> None:
    harness.setup_django("plan", backend, url)
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from whitewall.wall import slots
    from whitewall.wall.models import Post, PostViewDay, Topic
    from whitewall.wall.selectors import analytics
    from whitewall.wall.services.publishing import publish_due

    call_command("migrate", verbosity=0, interactive=False)
    figures: dict = {"backend": backend, "database": connection.vendor}
    topics = [Topic.objects.create(name=f"话题{i}", slug=f"topic-{i}") for i in range(8)]
    now = timezone.now()

    def due_posts(count):
        Post.objects.bulk_create(
            Post(topic=topics[i % 8], body=f"定时 {i}", status=Post.Status.SCHEDULED,
                 scheduled_for=now - datetime.timedelta(seconds=i + 1))
            for i in range(count)
        )  # fmt: skip

    # 1. One consumer publishes DUE due posts.
    due_posts(DUE)
    started = time.perf_counter()
    result = publish_due(now=now)
    figures["publish_one_consumer_per_s"] = result["published"] / (time.perf_counter() - started)

    # 2. Two consumers at once (threads with their own connections) share the work, each post once.
    due_posts(DUE)
    results = []
    seconds = harness.run_together(2, lambda _number: results.append(publish_due(now=now)))
    published = sum(r["published"] for r in results)
    figures["publish_two_consumers_per_s"] = published / seconds
    figures["two_consumers_published"] = published
    figures["two_consumers_expected"] = DUE
    assert published == DUE, (published, DUE)

    # 3. next_free_slot with SCHEDULED_AHEAD posts already scheduled over the coming months.
    rules = slots.SlotRules.from_policy()
    day = timezone.localdate() + datetime.timedelta(days=1)
    rows, moment = [], slots.publishing_window(day, rules)[0]
    while len(rows) < SCHEDULED_AHEAD:
        start, end = slots.publishing_window(timezone.localtime(moment).date(), rules)
        for k in range(rules.daily_cap):
            slot = start + k * rules.gap
            if slot < end:
                rows.append(
                    Post(topic=topics[0], body="排期", status=Post.Status.SCHEDULED, scheduled_for=slot)
                )
        moment = start + datetime.timedelta(days=1)
    Post.objects.bulk_create(rows)
    timings = []
    for _round in range(5):
        started = time.perf_counter()
        found = slots.next_free_slot(now)
        timings.append(time.perf_counter() - started)
    figures["next_free_slot_ms"] = statistics.median(timings) * 1000
    figures["next_free_slot_days_ahead"] = (timezone.localtime(found).date() - timezone.localdate()).days

    # 4. Analytics over ANALYTICS_POSTS published posts with ANALYTICS_DAYS of daily views.
    rng = random.Random(7)
    today = timezone.localdate()
    posts = Post.objects.bulk_create(
        Post(topic=topics[i % 8], body=f"已发布 {i}", status=Post.Status.PUBLISHED,
             published_at=now - datetime.timedelta(minutes=rng.randint(0, ANALYTICS_DAYS * 1440)),
             submitted_at=now - datetime.timedelta(days=ANALYTICS_DAYS + 1), reviewed_at=now - datetime.timedelta(days=ANALYTICS_DAYS),
             view_count=rng.randint(10, 500), like_count=rng.randint(0, 30), comment_count=rng.randint(0, 10))
        for i in range(ANALYTICS_POSTS)
    )  # fmt: skip
    batch = []
    for post in posts:
        for d in range(ANALYTICS_DAYS):
            batch.append(
                PostViewDay(post=post, day=today - datetime.timedelta(days=d), views=rng.randint(0, 40))
            )
        if len(batch) > 20000:
            PostViewDay.objects.bulk_create(batch)
            batch = []
    PostViewDay.objects.bulk_create(batch)
    figures["analytics_view_rows"] = ANALYTICS_POSTS * ANALYTICS_DAYS
    start = today - datetime.timedelta(days=ANALYTICS_DAYS - 1)
    analytics.compute(start, today)  # warm
    timings = []
    for _round in range(5):
        started = time.perf_counter()
        analytics.compute(start, today)
        timings.append(time.perf_counter() - started)
    figures["analytics_ms"] = statistics.median(timings) * 1000
    harness.write_figures(out, figures)


def markdown(runs: list[dict], meta: dict) -> str:
    lines = [
        "# Publishing benchmark",
        "",
        harness.meta_line(meta, "make bench-plan"),
        "",
        "| figure | " + " | ".join(run["database"] for run in runs) + " |",
        "|---|" + "---|" * len(runs),
    ]
    rows = [
        (f"due posts published per second, one consumer ({DUE} posts)", "publish_one_consumer_per_s", "{:,.0f}"),
        (f"due posts published per second, two consumers at once ({DUE} posts)", "publish_two_consumers_per_s", "{:,.0f}"),
        ("posts published by the two consumers (each exactly once)", "two_consumers_published", "{:,}"),
        (f"`next_free_slot` with {SCHEDULED_AHEAD:,} posts scheduled ahead, ms (median of 5)", "next_free_slot_ms", "{:,.1f}"),
        ("days ahead of the slot found", "next_free_slot_days_ahead", "{:,}"),
        (f"analytics for {ANALYTICS_DAYS} days, {ANALYTICS_POSTS:,} posts, ms (median of 5)", "analytics_ms", "{:,.0f}"),
        ("daily view rows", "analytics_view_rows", "{:,}"),
    ]  # fmt: skip
    for label, key, fmt in rows:
        cells = [fmt.format(run[key]) if key in run else "—" for run in runs]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("")
    return "\n".join(lines)


def main() -> int:
    return harness.main(__file__, "plan", child, markdown, doc=__doc__)


if __name__ == "__main__":
    sys.exit(main())
