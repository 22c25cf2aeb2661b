"""Query-count baselines kept in a file: a change must not raise them silently.

``tests/query_counts.json`` maps a key to the number of queries a view used. A run that uses
more fails naming both numbers. To record new or lowered baselines, run the suite without
parallelism with ``WHITEWALL_UPDATE_QUERY_BASELINES=1``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

BASELINE_FILE = Path(os.environ.get("WHITEWALL_QUERY_BASELINES", Path.cwd() / "tests" / "query_counts.json"))


def _load() -> dict[str, int]:
    if BASELINE_FILE.exists():
        return json.loads(BASELINE_FILE.read_text(encoding="utf-8"))
    return {}


def assert_query_baseline(key: str, action):
    """Run ``action()``; fail if it used more queries than the recorded baseline for ``key``."""
    with CaptureQueriesContext(connection) as captured:
        result = action()
    used = len(captured)
    baselines = _load()
    if os.environ.get("WHITEWALL_UPDATE_QUERY_BASELINES"):
        if baselines.get(key) != used:
            baselines[key] = used
            BASELINE_FILE.write_text(
                json.dumps(dict(sorted(baselines.items())), indent=2) + "\n", encoding="utf-8"
            )
        return result
    if key not in baselines:
        raise AssertionError(
            f"no query baseline for {key!r} ({used} queries now); record it with "
            "WHITEWALL_UPDATE_QUERY_BASELINES=1 .venv/bin/pytest -p no:xdist"
        )
    if used > baselines[key]:
        queries = "\n".join(q["sql"][:200] for q in captured.captured_queries)
        raise AssertionError(f"{key}: {used} queries, baseline {baselines[key]}. Queries:\n{queries}")
    return result
