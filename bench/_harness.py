"""What every benchmark under ``bench/`` shares: one fresh database per process, the PostgreSQL and
Redis probes, the parent/child command line, and the result files.

A benchmark script defines ``child(backend, url, redis, out, options)`` (it calls
:func:`setup_django` first, measures, and writes its figures with :func:`write_figures`) and
``markdown(runs, meta)``; its ``main`` is ``return harness.main(__file__, NAME, child, markdown)``.

    python bench/<name>_bench.py [--no-postgres]
    BENCH_DATABASE_URL=postgres://user@host:5432/db BENCH_REDIS_URL=redis://127.0.0.1:6379/6 \
        python bench/<name>_bench.py

The PostgreSQL database at ``BENCH_DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/
ww_<name>_bench``) is **dropped and created again** for each run; PostgreSQL is skipped, with the
reason printed, when the server cannot be reached.
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
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
SRC = HERE.parent / "src"


def default_postgres_url(name: str) -> str:
    return f"postgres://postgres@127.0.0.1:5432/ww_{name}_bench"


def postgres_reachable(url: str) -> str | None:
    """Drop and create the benchmark database; None (and the reason on stderr) when unreachable."""
    try:
        import psycopg
    except ImportError:
        print("PostgreSQL not used (psycopg is not installed)", file=sys.stderr)
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
    except Exception as exc:  # noqa: BLE001 - any failure means "no server here"
        print(f"PostgreSQL not used ({exc.__class__.__name__}: {exc})".strip(), file=sys.stderr)
        return None
    return url


def redis_reachable(url: str) -> str | None:
    """Empty the benchmark's Redis database; None (and the reason on stderr) when unreachable."""
    try:
        import redis
    except ImportError:
        print("Redis not used (redis is not installed)", file=sys.stderr)
        return None
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).flushdb()
    except Exception as exc:  # noqa: BLE001 - any failure means "no server here"
        print(f"Redis not used ({exc.__class__.__name__}: {exc})", file=sys.stderr)
        return None
    return url


def setup_django(
    name: str,
    backend: str,
    url: str | None,
    redis: str | None = None,
    *,
    settings: str = "whitewall.config.settings",
    extra_path: list[str] | None = None,
) -> Path:
    """Point this process at a fresh data directory and database, then ``django.setup()``.

    Returns the data directory (a new temporary directory). Call it first in a child.
    """
    data_dir = Path(tempfile.mkdtemp(prefix=f"ww-{name}-bench-{backend}-"))
    os.environ.update(
        {
            "WHITEWALL_ENV": "development",
            "WHITEWALL_DEBUG": "0",
            "WHITEWALL_DATA_DIR": str(data_dir),
            "DJANGO_SETTINGS_MODULE": settings,
            "WHITEWALL_LOG_LEVEL": "WARNING",
        }
    )
    for key, value in (("DATABASE_URL", url), ("REDIS_URL", redis)):
        if value:
            os.environ[key] = value
        else:
            os.environ.pop(key, None)
    for entry in reversed(extra_path or []):
        sys.path.insert(0, entry)
    if extra_path:
        os.environ["PYTHONPATH"] = os.pathsep.join([*extra_path, os.environ.get("PYTHONPATH", "")])
    import django

    django.setup()
    return data_dir


def run_together(count: int, work: Callable[[int], None]) -> float:
    """Run ``work(0)`` .. ``work(count - 1)`` in threads that start at once; the seconds they took.

    Each thread closes its database connections when its work is done (threads get their own).
    """
    import threading

    from django.db import connections

    barrier = threading.Barrier(count + 1)

    def run(number: int) -> None:
        barrier.wait()
        try:
            work(number)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def server_cpu_seconds(command: str = "postgres") -> float | None:
    """CPU time spent so far by the processes named ``command`` (the database server: every
    PostgreSQL process is named ``postgres``), from Linux ``/proc``; None elsewhere.

    A connection's server process ends with the connection; its time then counts in the children
    time of the process that waited for it (the postmaster), which is added too."""
    proc = Path("/proc")
    if not (proc / "self" / "stat").exists():
        return None
    ticks = 0
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text(encoding="ascii", errors="replace")
        except OSError:  # the process ended meanwhile
            continue
        name, _, rest = stat.partition(" (")[2].rpartition(") ")
        if name == command:
            fields = rest.split()
            ticks += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def write_figures(out: Path, figures: dict) -> None:
    out.write_text(json.dumps(figures), encoding="utf-8")


def run_child(script: str, backend: str, url: str | None, redis: str | None, options: list[str]) -> dict:
    """Run ``script --child backend`` in a fresh process (settings are per process); its figures."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, script, "--child", backend, "--out", str(out), *options]
    if url:
        command += ["--url", url]
    if redis:
        command += ["--redis", redis]
    try:
        subprocess.run(command, check=True, env=env)
        return json.loads(out.read_text(encoding="utf-8"))
    finally:
        out.unlink(missing_ok=True)


def machine_meta() -> dict:
    return {
        "time": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "machine": (platform.machine() + " " + platform.processor()).strip(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load": " ".join(f"{value:.1f}" for value in os.getloadavg()),
    }


def meta_line(meta: dict, command: str) -> str:
    """The run's one-line description for the markdown report."""
    load = f"load {meta['load']}"
    if meta.get("load_before"):
        load = f"load average 1/5/15 min {meta['load_before']} before, {meta['load']} after"
    return (
        f"Run {meta['time']} on {meta['machine']} ({meta['cpus']} CPUs, {load}), "
        f"Python {meta['python']}. Command: `{command}`."
    )


def save(name: str, runs: list[dict], meta: dict, text: str) -> None:
    """Write ``results/<name>.json`` and ``.md`` and print the report."""
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(
        json.dumps({"meta": meta, "runs": runs}, indent=2) + "\n", encoding="utf-8"
    )
    (RESULTS / f"{name}.md").write_text(text, encoding="utf-8")
    print(text)


def main(
    script: str,
    name: str,
    child: Callable[..., None],
    markdown: Callable[[list[dict], dict], str],
    *,
    doc: str | None = None,
    redis: bool = False,
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None,
    child_options: Callable[[argparse.Namespace], list[str]] | None = None,
    postgres: bool = True,
    check: Callable[[list[dict]], int] | None = None,
) -> int:
    """The parent: run the child on SQLite, then on PostgreSQL (+ Redis) when reachable; report.

    ``child(backend, url, redis, out, args)`` runs in the child process. ``add_arguments`` adds a
    script's own options; ``child_options`` turns the parsed options back into the child's
    command line. ``postgres=False`` measures SQLite only (figures that do not depend on the
    database). ``check(runs)``, when given, is the exit status (say, non-zero when a target is
    missed); the results are written either way. The load average is recorded before and after.
    """
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--redis", help=argparse.SUPPRESS)
    parser.add_argument("--no-postgres", action="store_true", help="measure SQLite only")
    if add_arguments:
        add_arguments(parser)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.url, args.redis, args.out, args)
        return 0
    options = child_options(args) if child_options else []
    load_before = " ".join(f"{value:.1f}" for value in os.getloadavg())
    runs = [run_child(script, "sqlite", None, None, options)]
    if postgres and not args.no_postgres:
        url = postgres_reachable(os.environ.get("BENCH_DATABASE_URL", default_postgres_url(name)))
        redis_url = None
        if url and redis:
            redis_url = redis_reachable(os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6"))
        if url:
            runs.append(run_child(script, "postgresql", url, redis_url, options))
    meta = {**machine_meta(), "load_before": load_before}
    save(name, runs, meta, markdown(runs, meta))
    return check(runs) if check else 0
