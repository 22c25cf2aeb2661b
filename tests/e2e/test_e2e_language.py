"""Switching the language with the select on the wall, the login page and the console.

Expected texts come from the live translation catalogues (the project's, allauth's, Django's),
so the checks follow the catalogue as it grows; a few strings that Django and allauth translate
themselves (登录, 首页) keep every check meaningful even with an empty project catalogue.
"""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from ._support import (
    CHROMIUM,
    CONSOLE_PATH,
    LOGIN_PATH,
    goto,
    path_of,
    screenshot,
    submit_login,
)

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is not installed; the browser suite needs Debian's chromium", allow_module_level=True
    )

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

CJK = re.compile(r"[\u4e00-\u9fff]")
STAFF = "/console/accounts/staff/"
HR_MENU = {
    "/console/accounts/staff/": "Staff",
    "/console/accounts/departments/": "Departments",
    "/console/accounts/positions/": "Positions",
    "/console/accounts/users/": "Users",
    "/console/accounts/roles/": "Roles",
}


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


def plural_name(model, code: str) -> str:
    from django.utils.text import capfirst

    with translation.override(code):
        return str(capfirst(model._meta.verbose_name_plural))


def switch_language(page, code: str) -> None:
    """Choose ``code`` in the visible language select; the page reloads in that language."""
    expected_lang = {"zh-hans": "zh-CN", "en": "en"}[code]
    before = path_of(page.url)
    select = page.locator('[data-testid="language-switch"]:visible')
    assert select.count() == 1, "expected exactly one visible language switch"
    select.select_option(code)
    page.wait_for_function(f"() => document.documentElement.lang === {expected_lang!r}")
    page.wait_for_load_state("load")
    assert path_of(page.url) == before, f"switching language left {before} for {page.url}"
    assert page.locator('[data-testid="language-switch"]:visible').input_value() == code


def assert_language(page, code: str) -> None:
    assert page.locator("html").get_attribute("lang") == {"zh-hans": "zh-CN", "en": "en"}[code]


def text_of(page, selector: str) -> str:
    return page.locator(selector).first.inner_text().strip()


def test_wall_and_login_page_switch_language(open_page, base_url):
    page, watch = open_page(locale="zh-CN")
    goto(page, base_url, "/")
    # Default language for a Chinese browser (and LANGUAGE_CODE): simplified Chinese.
    assert_language(page, "zh-hans")
    login_link = '[data-testid="login-link"]'
    assert text_of(page, login_link) == zh("Log in")
    assert CJK.search(text_of(page, login_link)), "the wall's log-in link is not in Chinese"
    assert "登录" in text_of(page, login_link)
    submit_link = '[data-testid="submit-link"]'
    assert text_of(page, submit_link) == zh("Submit a post")
    screenshot(page, "anonymous", "wall-home-zh-hans")
    watch.assert_clean("wall in Chinese")

    switch_language(page, "en")
    assert_language(page, "en")
    assert text_of(page, login_link) == "Log in"
    assert text_of(page, submit_link) == "Submit a post"
    header_texts = page.locator("header a, header button").all_inner_texts()
    assert not CJK.search(" ".join(header_texts)), f"Chinese left in the English wall header: {header_texts}"
    screenshot(page, "anonymous", "wall-home-en")
    watch.assert_clean("wall in English")

    # The choice sticks (language cookie) across pages: allauth's login page is English too.
    page.locator(login_link).click()
    page.wait_for_load_state("load")
    assert path_of(page.url) == LOGIN_PATH
    assert_language(page, "en")
    login_button = f'form[action="{LOGIN_PATH}"] button[type=submit]'
    assert text_of(page, login_button) == "Sign In"
    screenshot(page, "anonymous", "login-en")
    watch.assert_clean("login page in English")

    switch_language(page, "zh-hans")
    assert_language(page, "zh-hans")
    assert text_of(page, login_button) == "登录"  # allauth's own catalogue
    assert page.locator(f'form[action="{LOGIN_PATH}"] input[name=login]').is_visible()
    screenshot(page, "anonymous", "login-zh-hans")
    watch.assert_clean("login page in Chinese")

    # A phone-width look at the wall.
    page.set_viewport_size({"width": 375, "height": 812})
    goto(page, base_url, "/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "the wall overflows a phone screen"
    screenshot(page, "anonymous", "wall-home-phone")
    watch.assert_clean("wall at phone width")


def test_console_switches_language(open_page, base_url, demo):
    from whitewall.accounts.models import StaffProfile

    page, watch = open_page(locale="zh-CN")
    submit_login(page, base_url, "hr", demo)
    assert path_of(page.url) == CONSOLE_PATH
    assert_language(page, "zh-hans")

    def menu_label(href):
        return page.locator(f'[data-testid="sidebar"] a[href="{href}"]').inner_text().strip()

    home_link = f'[data-testid="sidebar"] a[href="{CONSOLE_PATH}"]'
    assert text_of(page, home_link) == zh("Home")
    assert CJK.search(text_of(page, home_link)), "console menu not in Chinese"
    for href, english in HR_MENU.items():
        assert menu_label(href) == zh(english), f"menu item {href} in Chinese"
    screenshot(page, "hr", "console-home-zh-hans")
    watch.assert_clean("console home in Chinese")

    goto(page, base_url, STAFF)
    assert text_of(page, '[data-testid="add-button"]') == zh("Add")
    assert text_of(page, "h1") == plural_name(StaffProfile, "zh-hans")
    screenshot(page, "hr", "staff-list-zh-hans")
    watch.assert_clean("staff list in Chinese")

    switch_language(page, "en")
    assert_language(page, "en")
    assert text_of(page, '[data-testid="add-button"]') == "Add"
    assert text_of(page, "h1") == plural_name(StaffProfile, "en")
    assert text_of(page, home_link) == "Home"
    for href, english in HR_MENU.items():
        assert menu_label(href) == english, f"menu item {href} in English"
    assert not CJK.search(page.locator('[data-testid="sidebar"]').inner_text()), (
        "Chinese left in the English menu"
    )
    screenshot(page, "hr", "staff-list-en")
    watch.assert_clean("staff list in English")

    goto(page, base_url, CONSOLE_PATH)
    assert_language(page, "en")
    assert text_of(page, "h1").startswith("Welcome")
    screenshot(page, "hr", "console-home-en")
    watch.assert_clean("console home in English")

    switch_language(page, "zh-hans")
    for href, english in HR_MENU.items():
        assert menu_label(href) == zh(english)
    assert text_of(page, home_link) == zh("Home")
    watch.assert_clean("console back in Chinese")
