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
- the home page for an anonymous visitor and signed in,
- a post page (an author shown by name, two tags, ten comments) anonymous and signed in.

Server time (p50/p95) is measured inside the gunicorn worker (pre/post request hooks), requests per
second at the client. Targets (issue 4), as ratios of the bare view's requests per second: anonymous
home >= 50%, signed-in home and post pages (anonymous and signed in) >= 15%. Figures go to bench/results/wall.json and wall.md.
"""

from __future__ import annotations

import glob
import http.client
import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import _harness as harness

HERE = Path(__file__).resolve().parent
POSTS = int(os.environ.get("WALL_BENCH_POSTS", "100000"))
SECONDS = float(os.environ.get("WALL_BENCH_SECONDS", "8"))
WORKERS = int(os.environ.get("WALL_BENCH_WORKERS", "2"))
CLIENT_PROCESSES = int(os.environ.get("WALL_BENCH_CLIENTS", "2"))
CLIENT_THREADS = int(os.environ.get("WALL_BENCH_THREADS", "4"))
TARGETS = {
    "home_anonymous": 0.50,
    "home_signed_in": 0.15,
    "post_anonymous": 0.15,
    "post_signed_in": 0.15,
}


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

    from whitewall.core.testing import login
    from whitewall.wall.models import Comment, Post, Tag, Topic

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
    login(client, user)  # through the backend that sessions use, as a real sign-in
    from django.conf import settings

    session = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    # The measured post page is a typical one: an author shown by name, two tags, ten comments.
    post = Post.objects.order_by("-published_at").first()
    author = get_user_model().objects.create_user(
        username="bench-author", email="author@example.com", full_name="王晓明"
    )
    post.author = author
    post.display_name = "王晓明"
    post.comment_count = 10
    post.save(update_fields=["author", "display_name", "comment_count"])
    post.tags.set([Tag.objects.create(name="图书馆"), Tag.objects.create(name="自习室")])
    Comment.objects.bulk_create(
        Comment(
            post=post,
            body=f"第 {number} 条评论：同意，晚上的自习室确实太冷了。",
            status=Comment.Status.PUBLISHED,
            author=author if number % 2 else None,
            is_anonymous=not number % 2,
            published_at=now,
        )
        for number in range(10)
    )
    return {"seed_seconds": seeded, "session": session, "post_pk": post.pk}


def child(backend: str, url: str | None, redis: str | None, out: Path, options) -> None:
    # The benchmark's settings (``bench/wall``) add the bare view; gunicorn inherits the path.
    data_dir = harness.setup_django(
        "wall", backend, url, redis, settings="wall.settings", extra_path=[str(HERE)]
    )
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
    post_path = f"/p/{info['post_pk']}/"
    pages = {
        "bare": ("/bench/bare/", ""),
        "home_anonymous": ("/", ""),
        "home_signed_in": ("/", cookie),
        "post_anonymous": (post_path, ""),
        "post_signed_in": (post_path, cookie),
    }
    # Each page is what it claims to be: signed in means the page offers to log out.
    for name, (path, cookie_value) in pages.items():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", path, headers={"Cookie": cookie_value} if cookie_value else {})
        response = conn.getresponse()
        page = response.read()
        signed_in = b'action="/accounts/logout/"' in page
        if response.status != 200 or signed_in != bool(cookie_value):
            server.kill()
            raise RuntimeError(f"{name}: status {response.status}, signed in: {signed_in}")
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
        "post_anonymous": post_path,
        "post_signed_in": f"{post_path}|signed-in",
    }
    for name, result in results.items():
        values = server_times.get(keys[name], [])
        result["server_p50_ms"] = _pct(values, 50) * 1000
        result["server_p95_ms"] = _pct(values, 95) * 1000
        if name != "bare":
            result["ratio"] = result["rps"] / results["bare"]["rps"]
            result["target"] = TARGETS[name]
    figures["pages"] = results
    harness.write_figures(out, figures)


# --- the parent: print and write the figures ---------------------------------------------------
LABELS = {
    "bare": "bare Django view (same bytes)",
    "home_anonymous": "home page, anonymous",
    "home_signed_in": "home page, signed in",
    "post_anonymous": "post page, anonymous",
    "post_signed_in": "post page, signed in",
}


def markdown(runs: list[dict], meta: dict) -> str:
    lines = [
        "# Public wall benchmark",
        "",
        harness.meta_line(meta, "make bench-wall"),
        "",
        f"gunicorn with {WORKERS} sync workers on 127.0.0.1, load from {CLIENT_PROCESSES} processes x "
        f"{CLIENT_THREADS} threads (Python http.client, one connection per request), {SECONDS:.0f} s per page "
        "after a warm-up.",
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
    return harness.main(__file__, "wall", child, markdown, doc=__doc__, redis=True)


if __name__ == "__main__":
    sys.exit(main())
