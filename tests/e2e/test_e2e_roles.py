"""Every demo account, through the real login form: the console menu each role gets, and every
page of it rendering without an HTTP error, a JavaScript error or a CSP violation."""

from __future__ import annotations

import pytest

from ._support import (
    ALL_ACCOUNTS,
    CHROMIUM,
    CONSOLE_PATH,
    LOGIN_PATH,
    REAUTHENTICATE_PATH,
    TOTP_ACTIVATE_PATH,
    activate_totp,
    confirm_password_if_asked,
    goto,
    menu_hrefs,
    mfa_required,
    path_of,
    screenshot,
    slugify_path,
    submit_login,
)

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is not installed; the browser suite needs Debian's chromium", allow_module_level=True
    )

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

STAFF = "/console/accounts/staff/"
DEPARTMENTS = "/console/accounts/departments/"
POSITIONS = "/console/accounts/positions/"
USERS = "/console/accounts/users/"
ROLES = "/console/accounts/roles/"
PERMISSIONS = "/console/accounts/permissions/"
LOCKOUTS = "/console/accounts/lockouts/"
ACCOUNTS_MENU = {STAFF, DEPARTMENTS, POSITIONS, USERS, ROLES, PERMISSIONS, LOCKOUTS}
DIRECTORY = {STAFF, DEPARTMENTS, POSITIONS}

# What each role must see of the accounts app's menu (other apps may add items of their own),
# and the list pages on which it may add rows (the "Add" button).
EXPECTED_MENU = {
    "admin": ACCOUNTS_MENU,
    "ops_manager": DIRECTORY,
    "operator": DIRECTORY,
    "reviewer": DIRECTORY,
    "support": DIRECTORY,
    "marketing": DIRECTORY,
    "hr": DIRECTORY | {USERS, ROLES},
    "finance": DIRECTORY,
    "security": DIRECTORY | {USERS, ROLES, PERMISSIONS, LOCKOUTS},
    "dept_head": DIRECTORY | {USERS},
    "executive": DIRECTORY | {USERS},
    "auditor": ACCOUNTS_MENU,
}
EXPECTED_ADD = {
    "admin": {STAFF, DEPARTMENTS, POSITIONS, ROLES, PERMISSIONS},
    "hr": {STAFF, DEPARTMENTS, POSITIONS},
}


def _visit_console_page(page, watch, base_url, username, href, slug):
    goto(page, base_url, href)
    assert page.locator('[data-testid="sidebar"]').is_visible(), f"{href}: no console sidebar"
    screenshot(page, username, slug)
    watch.assert_clean(f"{username} {href}")


@pytest.mark.parametrize("username", ALL_ACCOUNTS)
def test_account_logs_in_and_opens_every_menu_page(open_page, base_url, demo, username):
    page, watch = open_page()
    goto(page, base_url, LOGIN_PATH)
    screenshot(page, username, "login")
    response = submit_login(page, base_url, username, demo)
    assert response.status == 302, f"login as {username}: HTTP {response.status}"
    watch.assert_clean(f"{username} login")

    if username == "visitor":
        _check_wall_user(page, watch, base_url)
        return

    if mfa_required(username):
        # The middleware sends MFA-required roles to the TOTP set-up before anything else (allauth
        # may first ask for the password again: it wants a fresh reauthentication for MFA changes).
        mfa_setup = (TOTP_ACTIVATE_PATH, REAUTHENTICATE_PATH)
        assert path_of(page.url).startswith(mfa_setup), f"{username} landed on {page.url}, not MFA set-up"
        goto(page, base_url, CONSOLE_PATH)
        assert path_of(page.url).startswith(mfa_setup), f"console opened for {username} without MFA"
        confirm_password_if_asked(page, demo, username)
        assert path_of(page.url).startswith(TOTP_ACTIVATE_PATH), f"{username} was not sent to MFA set-up"
        activate_totp(page, username)
        # ... allauth then shows the recovery codes once.
        assert page.locator("#recovery_codes").is_visible(), "recovery codes not shown after activation"
        assert len(page.locator("#recovery_codes").input_value().split()) >= 8
        screenshot(page, username, "mfa-recovery-codes")
        watch.assert_clean(f"{username} MFA set-up")
    else:
        assert path_of(page.url) == CONSOLE_PATH, f"{username} landed on {page.url}"

    goto(page, base_url, CONSOLE_PATH)
    assert page.locator('[data-testid="home-cards"]').is_visible()
    screenshot(page, username, "console-home")
    watch.assert_clean(f"{username} console home")

    hrefs = menu_hrefs(page)
    assert len(hrefs) == len(set(hrefs)), f"duplicate menu items: {hrefs}"
    visible = set(hrefs)
    expected = EXPECTED_MENU[username]
    assert visible & ACCOUNTS_MENU == expected, (
        f"{username} menu: missing {sorted(expected - visible)}, unexpected {sorted((visible & ACCOUNTS_MENU) - expected)}"
    )

    for href in hrefs:
        _visit_console_page(page, watch, base_url, username, href, slugify_path(href))
        link = page.locator(f'[data-testid="sidebar"] a[href="{href}"]')
        assert "active" in link.get_attribute("class"), f"{href}: menu item not marked active"
        if href in ACCOUNTS_MENU:
            has_add = page.locator('[data-testid="add-button"]').count() > 0
            should_add = href in EXPECTED_ADD.get(username, set())
            assert has_add == should_add, (
                f"{username} on {href}: add button shown={has_add}, expected {should_add}"
            )
            if username == "auditor":
                assert page.locator(".ww-bulk-bar").count() == 0, f"auditor offered bulk actions on {href}"
            # Open the first row's detail page too, when the list links to one.
            first = page.locator('[data-testid="object-table"] tbody tr td a').first
            if href != LOCKOUTS and first.count():
                detail = first.get_attribute("href")
                _visit_console_page(page, watch, base_url, username, detail, slugify_path(href) + "-detail")
                if username == "auditor":
                    assert page.locator('[data-testid="edit-button"]').count() == 0, (
                        f"auditor may edit {detail}"
                    )

    # A page the role does not see in its menu is refused when typed in (the 403 page, no menu leak).
    hidden = sorted(ACCOUNTS_MENU - expected)
    if hidden:
        goto(page, base_url, hidden[0], expect_status=403)
        assert page.locator('[data-testid="error-message"]').is_visible()
        screenshot(page, username, slugify_path(hidden[0]) + "-403")
        watch.assert_clean(f"{username} refused {hidden[0]}", allow_status=403)


def test_the_page_watch_catches_csp_violations(open_page, base_url):
    """The checks above rely on Chromium reporting CSP violations as console errors: prove it."""
    page, watch = open_page()
    goto(page, base_url, "/")
    watch.assert_clean("wall home")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.__wwInline = true";
            document.body.appendChild(script);
            document.body.insertAdjacentHTML("beforeend", '<p style="color: red">inline style</p>');
        }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.__wwInline") is None, "an inline script ran: the CSP is not strict"
    problems = watch.take()
    csp_errors = [p for p in problems if p.kind == "console" and "Content Security Policy" in p.text]
    assert any("script" in p.text for p in csp_errors), problems
    assert any("style" in p.text for p in csp_errors), problems


def _check_wall_user(page, watch, base_url):
    # Not staff: allauth sends a wall user back to the wall, and the console refuses them.
    assert path_of(page.url) == "/", f"visitor landed on {page.url}"
    assert page.locator('[data-testid="my-page-link"]').is_visible()
    screenshot(page, "visitor", "wall-home")
    watch.assert_clean("visitor wall home")

    goto(page, base_url, CONSOLE_PATH, expect_status=403)
    assert page.locator('[data-testid="error-message"]').is_visible()
    assert page.locator('[data-testid="sidebar"]').count() == 0, "console menu shown to a wall user"
    screenshot(page, "visitor", "console-403")
    watch.assert_clean("visitor /console/", allow_status=403)

    goto(page, base_url, "/me/")
    assert page.locator('[data-testid="my-username"]').inner_text().strip() == "visitor"
    screenshot(page, "visitor", "me")
    watch.assert_clean("visitor /me/")
