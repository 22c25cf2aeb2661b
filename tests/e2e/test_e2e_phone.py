"""The console at a phone's width (375 px): no sideways scrolling, the menu behind its button."""

from __future__ import annotations

import pytest

from ._support import CHROMIUM, CONSOLE_PATH, goto, path_of, screenshot, submit_login

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is not installed; the browser suite needs Debian's chromium", allow_module_level=True
    )

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = 375
STAFF = "/console/accounts/staff/"


def assert_fits(page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE, f"{what} is {width}px wide on a {PHONE}px screen"


def test_console_on_a_phone(open_page, base_url, demo):
    page, watch = open_page(width=PHONE, height=812)
    submit_login(page, base_url, "hr", demo)
    assert path_of(page.url) == CONSOLE_PATH

    sidebar_link = page.locator(f'[data-testid="sidebar"] a[href="{STAFF}"]')
    assert not sidebar_link.is_visible(), "the sidebar should fold away on a phone"
    assert_fits(page, "console home")
    screenshot(page, "hr", "phone-console-home")

    # The menu button opens the sidebar (Bootstrap offcanvas, driven by the static bundle).
    page.locator('[data-bs-target="#ww-sidebar"][data-bs-toggle="offcanvas"]').click()
    sidebar_link.wait_for(state="visible")
    page.locator("#ww-sidebar.show:not(.showing)").wait_for()  # the slide-in has finished
    screenshot(page, "hr", "phone-menu-open")
    sidebar_link.click()
    page.wait_for_url(f"**{STAFF}")
    watch.assert_clean("phone menu")

    # A wide table scrolls inside its own box, not the page.
    assert_fits(page, "staff list")
    table_box = page.locator(".table-responsive").first
    assert table_box.evaluate("el => el.scrollWidth > el.clientWidth"), "staff table expected to scroll"
    screenshot(page, "hr", "phone-staff-list")

    goto(page, base_url, STAFF + "add/")
    assert_fits(page, "staff form")
    screenshot(page, "hr", "phone-staff-add")
    watch.assert_clean("phone pages")
