"""Browser suite: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Every test gets a fresh database (transactional_db) seeded with the demo organisation, and a new
browser context; the Chromium process is shared by the whole session.
"""

from __future__ import annotations

import io
import os

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


@pytest.fixture
def base_url(live_server):
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
