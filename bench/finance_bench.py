"""Budget check benchmark: the check's query count and time with 100 and with 100,000 claims
(each claim line holding a commitment on the same budget line).

    PYTHONPATH=src python bench/finance_bench.py [--no-postgres]     # or: make bench-finance
    BENCH_DATABASE_URL=postgres://user@host:5432/dbname PYTHONPATH=src python bench/finance_bench.py

Each database and size runs in its own process on a fresh database (SQLite: a temporary file;
PostgreSQL: BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/ww_finance_bench,
dropped and created again; skipped when the server cannot be reached). Target (issue 5): the same
query count at both sizes and a time within 10%. Figures go to bench/results/finance.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/ww_finance_bench"
SIZES = (100, 100_000)
RUNS = 300


def child(backend: str, url: str | None, size: int, out: Path) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix=f"ww-finance-bench-{backend}-"))
    os.environ.update(
        {
            "WHITEWALL_ENV": "development",
            "WHITEWALL_DEBUG": "0",
            "WHITEWALL_DATA_DIR": str(data_dir),
            "DJANGO_SETTINGS_MODULE": "whitewall.config.settings",
            "WHITEWALL_LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("REDIS_URL", None)
    if url:
        os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    import datetime
    from decimal import Decimal

    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    from whitewall.accounts.models import Department, User
    from whitewall.finance import control
    from whitewall.finance.models import (
        Budget,
        BudgetCategory,
        BudgetLine,
        BudgetLineMonth,
        BudgetStatus,
        Claim,
        Commitment,
        FiscalYear,
    )

    year = FiscalYear.objects.create(
        year=2030, start_date=datetime.date(2030, 1, 1), end_date=datetime.date(2030, 12, 31)
    )
    department = Department.objects.get(code="operations")
    travel = BudgetCategory.objects.get(code="travel")
    budget = Budget(fiscal_year=year, department=department, category=travel, amount=Decimal(size * 200))
    budget.full_clean()
    budget.status = BudgetStatus.ACTIVE
    budget.save()
    line = control.budget_line_set_budget(budget)
    user = User.objects.create_user(username="bench", email="bench@example.com", is_staff=True)
    started = time.perf_counter()
    claim_type = ContentType.objects.get_for_model(Claim)
    chunk = 5000
    for start in range(0, size, chunk):
        count = min(chunk, size - start)
        claims = Claim.objects.bulk_create(
            [
                Claim(
                    number=f"BX2030-{start + i:06d}",
                    applicant=user,
                    department=department,
                    purpose="差旅",
                    status="in_approval",
                    amount=Decimal("100"),
                )
                for i in range(count)
            ]
        )
        Commitment.objects.bulk_create(
            [
                Commitment(
                    line=line,
                    month=(start + i) % 12 + 1,
                    on=datetime.date(2030, (start + i) % 12 + 1, 1),
                    content_type=claim_type,
                    object_id=claim.pk,
                    line_key="line-1",
                    amount=Decimal("100"),
                )
                for i, claim in enumerate(claims)
            ]
        )
    # The running totals the services would have kept.
    BudgetLine.objects.filter(pk=line.pk).update(committed=Decimal(size * 100))
    for month in range(1, 13):
        held = Commitment.objects.filter(line=line, month=month).count() * 100
        BudgetLineMonth.objects.filter(line=line, month=month).update(committed=Decimal(held))
    fill_seconds = time.perf_counter() - started

    def check():
        return control.budget_check(
            department=department, category=travel, on=datetime.date(2030, 6, 15), amount=Decimal("250")
        )

    for _ in range(20):  # warm caches (content types, policy)
        check()
    with CaptureQueriesContext(connection) as captured:
        result = check()
    timings = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        check()
        timings.append(time.perf_counter() - t0)
    timings.sort()
    out.write_text(
        json.dumps(
            {
                "backend": backend,
                "claims": Claim.objects.count(),
                "commitments": Commitment.objects.count(),
                "queries": len(captured),
                "median_ms": round(timings[len(timings) // 2] * 1000, 3),
                "p95_ms": round(timings[int(len(timings) * 0.95)] * 1000, 3),
                "action": result.action,
                "fill_seconds": round(fill_seconds, 1),
            }
        )
    )


def _pg_ready(url: str) -> bool:
    try:
        import psycopg

        base = url.rsplit("/", 1)[0] + "/postgres"
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return True
    except Exception as exc:  # noqa: BLE001 - any failure means "no server"
        print(f"PostgreSQL skipped: {exc}")
        return False


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs=3, metavar=("BACKEND", "SIZE", "OUT"))
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    if args.child:
        backend, size, out = args.child
        url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG) if backend == "postgresql" else None
        child(backend, url, int(size), Path(out))
        return
    backends = ["sqlite"] + ([] if args.no_postgres else ["postgresql"])
    rows = []
    for backend in backends:
        for size in SIZES:
            if backend == "postgresql" and not _pg_ready(os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG)):
                break
            out = Path(tempfile.mkstemp(suffix=".json")[1])
            subprocess.run([sys.executable, __file__, "--child", backend, str(size), str(out)], check=True)
            row = json.loads(out.read_text())
            rows.append(row)
            print(
                f"{backend:10} {row['claims']:>7} claims: {row['queries']} queries, median {row['median_ms']} ms, "
                f"p95 {row['p95_ms']} ms (filled in {row['fill_seconds']} s)"
            )
    RESULTS.mkdir(exist_ok=True)
    meta = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "when": time.strftime("%Y-%m-%d"),
    }
    (RESULTS / "finance.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2) + "\n")
    lines = [
        "# Budget check benchmark",
        "",
        f"{meta['when']}, Python {meta['python']} on {meta['machine']}; {RUNS} checks per size.",
        "",
        "| database | claims | queries per check | median ms | p95 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['backend']} | {row['claims']:,} | {row['queries']} | {row['median_ms']} | {row['p95_ms']} |"
        )
    (RESULTS / "finance.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
