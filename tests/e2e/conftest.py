"""Browser suite: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Every test gets a fresh database (transactional_db) seeded with the demo organisation, and a new
browser context; the Chromium process is shared by the whole session.
"""

from __future__ import annotations

import io
import os
import threading

import pytest

# Playwright's sync API runs an event loop in this thread; Django would refuse ORM calls from it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
# Each browser test seeds the demo: a smaller set of demo claims (still every state) keeps it quick.
os.environ.setdefault("WHITEWALL_DEMO_CLAIMS", "24")

from ._support import CHROMIUM, CHROMIUM_ARGS, SCREENSHOT_DIR, PageWatch  # noqa: E402

DEFAULT_TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); the browser suite needs it")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def demo(transactional_db):
    """The demo organisation (12 staff accounts, one per role, their colleagues, the wall user)."""
    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    # The shared cache outlives the flushed database: pages cached by an earlier test would show
    # its rows. A new wall version makes every cached wall page stale.
    from whitewall.wall.cache import bump_wall_version

    bump_wall_version()
    from whitewall.core.demo import demo_password

    return demo_password()


# --- one user of a shared in-memory SQLite connection at a time -----------------------------------
# On in-memory SQLite the live server's request threads use the test's own connection. Two threads
# in one sqlite3 connection can deadlock (one inside a statement calling one of Django's Python
# SQL functions, which needs the GIL; the other holding the GIL while binding parameters, which
# needs the connection). So the test thread holds this lock except while it waits on the browser,
# and the server handles a request only while holding it. Separate connections (PostgreSQL, a
# file database) need none of this.
_SQLITE_TURN = threading.Lock()
_turn = threading.local()


def _shares_sqlite_connection() -> bool:
    from django.db import connection

    return connection.vendor == "sqlite" and connection.is_in_memory_db()


class _OneRequestAtATime:
    """The live server's WSGI application, run only while holding the connection's turn."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        with _SQLITE_TURN:
            result = self.app(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        return [body]


def _patch_playwright_waits() -> None:
    """Let the server run while this thread waits on the browser (every wait of the sync API)."""
    from playwright._impl import _sync_base

    if getattr(_sync_base.wait_for_future, "_whitewall_turn", False):
        return
    original = _sync_base.wait_for_future

    def wait_for_future(*args, **kwargs):
        depth = getattr(_turn, "depth", 0)
        release = depth == 0 and getattr(_turn, "held", False)
        if release:
            _turn.held = False
            _SQLITE_TURN.release()
        _turn.depth = depth + 1
        try:
            return original(*args, **kwargs)
        finally:
            _turn.depth = depth
            if release:
                _SQLITE_TURN.acquire()
                _turn.held = True

    wait_for_future._whitewall_turn = True
    _sync_base.wait_for_future = wait_for_future


@pytest.fixture(autouse=True)
def _sqlite_turns(request):
    """Set up first and torn down last: the demo seeding and the flush run holding the turn too."""
    if "live_server" not in request.fixturenames or not _shares_sqlite_connection():
        yield
        return
    _patch_playwright_waits()
    _SQLITE_TURN.acquire()
    _turn.held = True
    try:
        yield
    finally:
        if getattr(_turn, "held", False):
            _turn.held = False
            _SQLITE_TURN.release()


@pytest.fixture
def base_url(live_server):
    httpd = getattr(live_server.thread, "httpd", None)
    if (
        _shares_sqlite_connection()
        and httpd is not None
        and not isinstance(httpd.get_app(), _OneRequestAtATime)
    ):
        httpd.set_app(_OneRequestAtATime(httpd.get_app()))
    return live_server.url


@pytest.fixture
def open_page(browser, base_url, demo):
    """``open_page(locale="zh-CN", width=1280, user_agent=None) -> (page, watch)``.

    Each call opens a new browser context (own cookies); every page is watched for console
    errors, page errors and HTTP errors."""
    contexts = []

    def _open(*, locale: str = "zh-CN", width: int = 1280, height: int = 860, user_agent: str | None = None):
        options = {"locale": locale, "viewport": {"width": width, "height": height}, "accept_downloads": True}
        if user_agent:
            options["user_agent"] = user_agent
        context = browser.new_context(**options)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        return page, PageWatch(page).attach()

    yield _open
    for context in contexts:
        context.close()
