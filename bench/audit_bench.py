"""Audit trail benchmark: appends per second (SQLite, PostgreSQL), verification per second, and the
raw SHA-256 rate of the same canonical bytes on the same run.

    PYTHONPATH=src python bench/audit_bench.py            # or: make bench-audit
    BENCH_DATABASE_URL=postgres://user@host:5432/dbname python bench/audit_bench.py

Each database runs in its own process on a fresh database (SQLite: a file in a temporary
directory; PostgreSQL: BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/ww_audit_bench,
dropped and created again; skipped when the server cannot be reached). Figures are printed and
written to bench/results/audit.json and audit.md.
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
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/ww_audit_bench"
SINGLE = 3000  # events appended one per transaction
BATCHES, BATCH_SIZE = 100, 100  # events appended in batches (audit.services.batch)
THREADS, PER_THREAD = 8, 400  # concurrent writers, each its own connection, one event per transaction


def payload(index: int) -> dict:
    """A typical update event: a few changed fields of a staff record."""
    return {
        "action": "update",
        "object_type": "accounts.staffprofile",
        "object_id": index % 5000,
        "object_repr": f"员工 {index % 5000:05d}（运营部）",
        "before": {"grade": "P3", "position": 12, "work_phone": "010-5555-0101", "department": 3},
        "after": {"grade": "P4", "position": 14, "work_phone": "010-5555-0199", "department": 4},
        "extra": {"changed": ["department", "grade", "position", "work_phone"]},
    }


# --- the child: one database -------------------------------------------------------------------
def child(backend: str, url: str | None, out: Path) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix=f"ww-audit-bench-{backend}-"))
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
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    import hashlib
    import threading

    from django.core.management import call_command
    from django.db import connection, connections, transaction

    from whitewall.audit.context import acting_as
    from whitewall.audit.services import _rows, batch, canonical_bytes, record, verify_chain

    call_command("migrate", verbosity=0, interactive=False)
    figures: dict = {"backend": backend, "database": connection.vendor}

    with acting_as(None, request_id="bench", ip="10.0.0.1", user_agent="audit-bench/1.0"):
        started = time.perf_counter()
        for index in range(SINGLE):
            record(**payload(index))
        seconds = time.perf_counter() - started
        figures["append_single_per_s"] = SINGLE / seconds

        started = time.perf_counter()
        for number in range(BATCHES):
            with batch():
                for index in range(BATCH_SIZE):
                    record(**payload(number * BATCH_SIZE + index))
        seconds = time.perf_counter() - started
        figures["append_batched_per_s"] = BATCHES * BATCH_SIZE / seconds
        figures["batch_size"] = BATCH_SIZE

    # Web workers append concurrently, one event per transaction each (threads with a connection
    # each: the time goes to the database and its commits, which release the GIL).
    barrier = threading.Barrier(THREADS + 1)

    def writer(number):
        with acting_as(None, request_id=f"bench-{number}", ip="10.0.0.2", user_agent="audit-bench/1.0"):
            barrier.wait()
            for index in range(PER_THREAD):
                record(**payload(index))
        connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    figures["append_concurrent_per_s"] = THREADS * PER_THREAD / seconds
    figures["threads"] = THREADS

    # For reference: the same number of plain one-row transactions, no audit (the durable commit).
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_plain (id integer PRIMARY KEY, body text)")
    started = time.perf_counter()
    for index in range(SINGLE):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_plain (id, body) VALUES (%s, %s)", [index, "x" * 400])
    figures["plain_commit_per_s"] = SINGLE / (time.perf_counter() - started)

    # Verification of the whole chain, then the raw SHA-256 rate of exactly the same bytes.
    verify_chain(checkpoints=False)  # warm the database cache
    results = [verify_chain(checkpoints=False) for _round in range(3)]  # best of 3, like the raw rate
    assert all(result.ok for result in results), results[0].problems
    figures["events"] = results[0].count
    figures["verify_per_s"] = results[0].count / min(result.seconds for result in results)
    to_bytes = canonical_bytes(connection.vendor)
    blobs = [to_bytes(row[3]) for rows in _rows("default") for row in rows]
    figures["canonical_bytes_avg"] = sum(map(len, blobs)) / len(blobs)
    sha256 = hashlib.sha256
    best = None
    for _round in range(3):
        started = time.perf_counter()
        for blob in blobs:
            sha256(blob).digest()
        seconds = time.perf_counter() - started
        best = seconds if best is None else min(best, seconds)
    figures["raw_sha256_per_s"] = len(blobs) / best
    figures["raw_sha256_mb_per_s"] = sum(map(len, blobs)) / best / 1e6
    figures["verify_vs_raw"] = figures["verify_per_s"] / figures["raw_sha256_per_s"]
    out.write_text(json.dumps(figures), encoding="utf-8")


# --- the parent: run each database, print and write the figures ------------------------------
def postgres_reachable(url: str) -> str | None:
    """Recreate the bench database; None when the server cannot be reached."""
    try:
        import psycopg
    except ImportError:
        return None
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(
            admin.replace("postgres://", "postgresql://", 1), autocommit=True, connect_timeout=3
        ) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}"')
            db.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:
        print(f"PostgreSQL not used ({exc.__class__.__name__}: {exc})".strip(), file=sys.stderr)
        return None
    return url


def run_child(backend: str, url: str | None) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(HERE.parent / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    command = [sys.executable, __file__, "--child", backend, "--out", str(out)]
    if url:
        command += ["--url", url]
    subprocess.run(command, check=True, env=env)
    figures = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    return figures


def markdown(runs: list[dict], meta: dict) -> str:
    lines = [
        "# Audit trail benchmark",
        "",
        f"Run {meta['time']} on {meta['machine']} ({meta['cpus']} CPUs), Python {meta['python']}.",
        "Command: `make bench-audit` (`python bench/audit_bench.py`).",
        "",
        "| figure | " + " | ".join(run["database"] for run in runs) + " |",
        "|---|" + "---|" * len(runs),
    ]
    rows = [
        ("events appended per second, one per transaction", "append_single_per_s", "{:,.0f}"),
        (
            "events appended per second, batches of 100 (`audit.services.batch`)",
            "append_batched_per_s",
            "{:,.0f}",
        ),
        (
            "events appended per second, 8 concurrent writers, one per transaction",
            "append_concurrent_per_s",
            "{:,.0f}",
        ),
        (
            "for reference: plain one-row INSERT transactions per second, no audit",
            "plain_commit_per_s",
            "{:,.0f}",
        ),
        ("events verified per second (`whitewall audit verify`)", "verify_per_s", "{:,.0f}"),
        ("raw SHA-256 of the same canonical bytes, per second (hashlib)", "raw_sha256_per_s", "{:,.0f}"),
        ("raw SHA-256, MB/s", "raw_sha256_mb_per_s", "{:,.0f}"),
        ("verification / raw SHA-256", "verify_vs_raw", "{:.0%}"),
        ("events in the chain when verified", "events", "{:,}"),
        ("average canonical bytes per event", "canonical_bytes_avg", "{:,.0f}"),
    ]
    for label, key, fmt in rows:
        cells = [fmt.format(run[key]) if key in run else "—" for run in runs]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Targets (issue 3): at least 2,000 events/s appended on PostgreSQL with the chain kept; "
        "verification at no less than 20% of the raw SHA-256 rate.",
        "",
    ]
    for run in runs:
        verdicts = [
            f"verification at {run['verify_vs_raw']:.0%} of raw SHA-256 "
            f"({'met' if run['verify_vs_raw'] >= 0.20 else 'missed'})"
        ]
        if run["database"] == "postgresql":
            best = max(
                run.get(key, 0)
                for key in ("append_single_per_s", "append_batched_per_s", "append_concurrent_per_s")
            )
            verdicts.append(
                f"appends: {run['append_batched_per_s']:,.0f}/s batched, {run['append_single_per_s']:,.0f}/s one per "
                f"transaction, {run.get('append_concurrent_per_s', 0):,.0f}/s with {THREADS} writers "
                f"(2,000/s target {'met' if best >= 2000 else 'missed'} at best)"
            )
        lines.append(f"- {run['database']}: " + "; ".join(verdicts) + ".")
    lines += [
        "",
        "One event per transaction costs a durable commit (an fsync), and the chain lock is held until "
        "that commit is visible, so concurrent writers take turns: their rate is bounded by the plain "
        "one-row commit rate in the reference row, whatever the Python side costs. Only grouping events "
        "into one transaction (`audit.services.batch`) amortises the commit.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--no-postgres", action="store_true", help="measure SQLite only")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.url, args.out)
        return 0
    runs = [run_child("sqlite", None)]
    if not args.no_postgres:
        url = postgres_reachable(os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG))
        if url:
            runs.append(run_child("postgresql", url))
    meta = {
        "time": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "machine": platform.machine() + " " + platform.processor(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "audit.json").write_text(
        json.dumps({"meta": meta, "runs": runs}, indent=2) + "\n", encoding="utf-8"
    )
    text = markdown(runs, meta)
    (RESULTS / "audit.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
