"""gunicorn hooks that time each request inside the worker (server time, without the network)."""

import json
import os
import time

_times: dict[str, list[float]] = {}


def pre_request(worker, req):
    req._wall_bench_start = time.perf_counter()


def post_request(worker, req, environ, resp):
    started = getattr(req, "_wall_bench_start", None)
    if started is None:
        return
    signed_in = "_session=" in (environ.get("HTTP_COOKIE") or "")
    key = f"{req.path}{'|signed-in' if signed_in else ''}"
    _times.setdefault(key, []).append(time.perf_counter() - started)


def worker_exit(server, worker):
    out = os.environ.get("WALL_BENCH_TIMES")
    if out:
        with open(f"{out}.{worker.pid}", "w", encoding="utf-8") as handle:
            json.dump(_times, handle)
