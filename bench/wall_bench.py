"""Public wall benchmark: pages per second and server time under gunicorn on loopback, next to a
bare Django view that returns the same bytes in the same run.

    PYTHONPATH=src python bench/wall_bench.py            # or: make bench-wall
    BENCH_DATABASE_URL=postgres://user@host:5432/dbname BENCH_REDIS_URL=redis://127.0.0.1:6379/6 \\
        PYTHONPATH=src python bench/wall_bench.py

Each database runs in its own process on a fresh database seeded with 100,000 published posts
(bulk insert): SQLite with the database cache (the default set-up), and PostgreSQL with Redis when
reachable (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/ww_wall_bench — dropped and
created again; BENCH_REDIS_URL, default redis://127.0.0.1:6379/6 — flushed). gunicorn serves the
project with sync workers on 127.0.0.1; a load generator of several processes with threads
requests, for a fixed time per page:

- the bare view (``/bench/bare/``: a Django view through the same middleware, returning the bytes
  of the anonymous home page),
- the home page for an anonymous visitor, the home page signed in, a post page (anonymous).

Server time (p50/p95) is measured inside the gunicorn worker (pre/post request hooks), requests per
second at the client. Targets (issue 4), as ratios of the bare view's requests per second: anonymous
home >= 50%, signed-in home and post page >= 15%. Figures go to bench/results/wall.json and wall.md.
"""

from __future__ import annotations

import argparse
import glob
import http.client
import json
import multiprocessing
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/ww_wall_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/6"
POSTS = int(os.environ.get("WALL_BENCH_POSTS", "100000"))
SECONDS = float(os.environ.get("WALL_BENCH_SECONDS", "8"))
WORKERS = int(os.environ.get("WALL_BENCH_WORKERS", "2"))
CLIENT_PROCESSES = int(os.environ.get("WALL_BENCH_CLIENTS", "2"))
CLIENT_THREADS = int(os.environ.get("WALL_BENCH_THREADS", "4"))
TARGETS = {"home_anonymous": 0.50, "home_signed_in": 0.15, "post_page": 0.15}


# --- the load generator ------------------------------------------------------------------------
def _hammer(port: int, path: str, cookie: str, seconds: float, queue) -> None:
    stop = time.perf_counter() + seconds
    counts = [0]
    errors = [0]
    latencies: list[float] = []
    lock = threading.Lock()

    def loop():
        done, failed, lat = 0, 0, []
        headers = {"Cookie": cookie} if cookie else {}
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                conn.close()
                if response.status == 200:
                    done += 1
                    lat.append(time.perf_counter() - started)
                else:
                    failed += 1
            except OSError:
                failed += 1
        with lock:
            counts[0] += done
            errors[0] += failed
            latencies.extend(lat)

    threads = [threading.Thread(target=loop) for _ in range(CLIENT_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put((counts[0], errors[0], latencies))


def load(port: int, path: str, cookie: str = "", seconds: float = SECONDS) -> dict:
    queue = multiprocessing.Queue()
    procs = [
        multiprocessing.Process(target=_hammer, args=(port, path, cookie, seconds, queue))
        for _ in range(CLIENT_PROCESSES)
    ]
    started = time.perf_counter()
    for proc in procs:
        proc.start()
    results = [queue.get() for _ in procs]
    for proc in procs:
        proc.join()
    elapsed = time.perf_counter() - started
    done = sum(r[0] for r in results)
    latencies = sorted(x for r in results for x in r[2])
    return {
        "requests": done,
        "errors": sum(r[1] for r in results),
        "rps": done / elapsed,
        "client_p50_ms": _pct(latencies, 50) * 1000,
    }


def _pct(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * pct / 100))]


# --- the child: one database -----------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed(posts: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from whitewall.wall.models import Post, Topic

    topics = Topic.objects.bulk_create(
        [
            Topic(name=name, slug=slug)
            for name, slug in (("校园生活", "campus-life"), ("校园安全", "campus-safety"))
        ]
    )
    now = timezone.now()
    body = "图书馆三楼自习室晚上十点以后空调就关了，冬天太冷，希望能延长供暖时间。大家有同样的感受吗？"
    started = time.perf_counter()
    batch = []
    for index in range(posts):
        batch.append(
            Post(
                topic=topics[index % 2],
                title=f"第 {index} 条帖子",
                body=body,
                status=Post.Status.PUBLISHED,
                published_at=now - timezone.timedelta(minutes=index),
                view_count=index % 500,
                like_count=index % 50,
            )
        )
        if len(batch) == 5000:
            Post.objects.bulk_create(batch)
            batch = []
    if batch:
        Post.objects.bulk_create(batch)
    seeded = time.perf_counter() - started
    user = get_user_model().objects.create_user(username="bench-user", email="bench@example.com")
    client = Client()
    client.force_login(user)
    from django.conf import settings

    session = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    post = Post.objects.order_by("-published_at").first()
    return {"seed_seconds": seeded, "session": session, "post_pk": post.pk}


def child(backend: str, url: str | None, redis: str | None, out: Path) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix=f"ww-wall-bench-{backend}-"))
    env = {
        "WHITEWALL_ENV": "development",
        "WHITEWALL_DEBUG": "0",
        "WHITEWALL_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "wall.settings",
        "WHITEWALL_LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join(
            [str(HERE), str(HERE.parent / "src"), os.environ.get("PYTHONPATH", "")]
        ),
    }
    os.environ.update(env)
    for key in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(key, None)
    if url:
        os.environ["DATABASE_URL"] = url
    if redis:
        os.environ["REDIS_URL"] = redis
    sys.path[:0] = [str(HERE)]
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    if not redis:
        call_command("createcachetable", verbosity=0)
    cache.clear()
    info = seed(POSTS)
    connection.close()

    port = _free_port()
    body_file = data_dir / "home.html"
    body_file.write_bytes(b"placeholder")
    times = data_dir / "times"
    server_env = {**os.environ, "WALL_BENCH_BODY": str(body_file), "WALL_BENCH_TIMES": str(times)}
    gunicorn = [
        sys.executable, "-m", "gunicorn", "whitewall.config.wsgi:application",
        "-w", str(WORKERS), "-b", f"127.0.0.1:{port}", "-c", str(HERE / "wall" / "gunicorn_conf.py"),
        "--log-level", "warning", "--backlog", "2048",
    ]  # fmt: skip

    def start():
        proc = subprocess.Popen(gunicorn, env=server_env, cwd=str(HERE))
        for _ in range(200):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                return proc
            except OSError:
                time.sleep(0.1)
        proc.kill()
        raise RuntimeError("gunicorn did not start")

    # The bare view must return the anonymous home page's bytes: fetch them, then restart with them.
    server = start()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/")
    home = conn.getresponse().read()
    server.send_signal(signal.SIGTERM)
    server.wait()
    body_file.write_bytes(home)
    for leftover in glob.glob(f"{times}.*"):
        os.unlink(leftover)
    server = start()

    cookie = info["session"]
    pages = {
        "bare": ("/bench/bare/", ""),
        "home_anonymous": ("/", ""),
        "home_signed_in": ("/", cookie),
        "post_page": (f"/p/{info['post_pk']}/", ""),
    }
    figures: dict = {
        "backend": backend,
        "database": backend,
        "cache": "redis" if redis else "database",
        **info,
    }
    figures.pop("session")
    figures["posts"] = POSTS
    figures["home_bytes"] = len(home)
    for path, cookie_value in pages.values():
        load(port, path, cookie_value, seconds=1.5)  # warm up (caches, connections)
    results = {}
    for name, (path, cookie_value) in pages.items():
        results[name] = load(port, path, cookie_value)
    server.send_signal(signal.SIGTERM)
    server.wait()
    server_times: dict[str, list[float]] = {}
    for part in glob.glob(f"{times}.*"):
        for key, values in json.loads(Path(part).read_text(encoding="utf-8")).items():
            server_times.setdefault(key, []).extend(values)
    keys = {
        "bare": "/bench/bare/",
        "home_anonymous": "/",
        "home_signed_in": "/|signed-in",
        "post_page": f"/p/{info['post_pk']}/",
    }
    for name, result in results.items():
        values = server_times.get(keys[name], [])
        result["server_p50_ms"] = _pct(values, 50) * 1000
        result["server_p95_ms"] = _pct(values, 95) * 1000
        if name != "bare":
            result["ratio"] = result["rps"] / results["bare"]["rps"]
            result["target"] = TARGETS[name]
    figures["pages"] = results
    out.write_text(json.dumps(figures), encoding="utf-8")


# --- the parent ------------------------------------------------------------------------------------------
def postgres_reachable(url: str) -> str | None:
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
        print(f"PostgreSQL not used ({exc.__class__.__name__}: {exc})", file=sys.stderr)
        return None
    return url


def redis_reachable(url: str) -> str | None:
    try:
        import redis
    except ImportError:
        return None
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=3)
        client.flushdb()
    except Exception as exc:
        print(f"Redis not used ({exc.__class__.__name__}: {exc})", file=sys.stderr)
        return None
    return url


def run_child(backend: str, url: str | None, redis: str | None) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(HERE.parent / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    command = [sys.executable, __file__, "--child", backend, "--out", str(out)]
    if url:
        command += ["--url", url]
    if redis:
        command += ["--redis", redis]
    subprocess.run(command, check=True, env=env)
    figures = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    return figures


LABELS = {
    "bare": "bare Django view (same bytes)",
    "home_anonymous": "home page, anonymous",
    "home_signed_in": "home page, signed in",
    "post_page": "post page",
}


def markdown(runs: list[dict], meta: dict) -> str:
    lines = [
        "# Public wall benchmark",
        "",
        f"Run {meta['time']} on {meta['machine']} ({meta['cpus']} CPUs), Python {meta['python']}; "
        f"gunicorn with {WORKERS} sync workers on 127.0.0.1, load from {CLIENT_PROCESSES} processes x "
        f"{CLIENT_THREADS} threads (Python http.client, one connection per request), {SECONDS:.0f} s per page.",
        "Command: `make bench-wall` (`python bench/wall_bench.py`).",
        "",
    ]
    for run in runs:
        lines += [
            f"## {run['backend']} (cache: {run['cache']}), {run['posts']:,} published posts "
            f"(seeded in {run['seed_seconds']:.1f} s), home page {run['home_bytes']:,} bytes",
            "",
            "| page | requests/s | server p50 ms | server p95 ms | ratio to bare | target | met |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, page in run["pages"].items():
            ratio = page.get("ratio")
            target = page.get("target")
            lines.append(
                f"| {LABELS[name]} | {page['rps']:,.0f} | {page['server_p50_ms']:.2f} | {page['server_p95_ms']:.2f} | "
                + (
                    f"{ratio:.0%} | ≥{target:.0%} | {'yes' if ratio >= target else 'NO'} |"
                    if ratio is not None
                    else "— | — | — |"
                )
            )
        lines.append("")
    lines += [
        "The load generator runs on the same two-core machine as the server, so requests per second are",
        "bounded by both; the ratios compare pages measured the same way in the same run.",
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
    parser.add_argument("--redis", help=argparse.SUPPRESS)
    parser.add_argument("--no-postgres", action="store_true", help="run on SQLite only")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.url, args.redis, args.out)
        return 0
    runs = [run_child("sqlite", None, None)]
    if not args.no_postgres:
        url = postgres_reachable(os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG))
        if url:
            redis = redis_reachable(os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS))
            runs.append(run_child("postgresql", url, redis))
    meta = {
        "time": time.strftime("%Y-%m-%d %H:%M %Z"),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "wall.json").write_text(json.dumps({"meta": meta, "runs": runs}, indent=2), encoding="utf-8")
    text = markdown(runs, meta)
    (RESULTS / "wall.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
