"""Account lockout end to end: wrong passwords lock an account (HTTP 429), a security officer
releases it in the console, and the owner can log in again."""

from __future__ import annotations

import pytest

from ._support import (
    CHROMIUM,
    CONSOLE_PATH,
    TOTP_ACTIVATE_PATH,
    activate_totp,
    confirm_password_if_asked,
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

LOCKOUTS = "/console/accounts/lockouts/"
# The officer works from another machine: axes also locks the (address, browser) pair that failed.
OFFICER_BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36 ww-security-desk"


def test_lockout_and_release(open_page, base_url, demo):
    from axes.models import AccessAttempt
    from django.conf import settings

    limit = settings.AXES_FAILURE_LIMIT
    page, watch = open_page()

    # --- the operator mistypes the password until the account locks ------------------------------
    for attempt in range(1, limit + 1):
        response = submit_login(page, base_url, "operator", f"not-the-password-{attempt}")
        if attempt < limit:
            assert response.status == 200, f"failure {attempt}: HTTP {response.status}"
            assert page.locator('form[action="/accounts/login/"]').is_visible()
        if attempt == 1:
            screenshot(page, "operator", "login-wrong-password")
    assert response.status == 429, f"failure {limit} did not lock the account (HTTP {response.status})"
    message = page.locator('[data-testid="lockout-message"]')
    assert message.is_visible() and message.inner_text().strip()
    screenshot(page, "operator", "locked-out")
    # The right password does not help while locked.
    response = submit_login(page, base_url, "operator", demo)
    assert response.status == 429
    goto(page, base_url, CONSOLE_PATH)  # not logged in: the console sends back to the login page
    assert path_of(page.url).startswith("/accounts/login/?next="), f"a locked-out login got in: {page.url}"
    watch.assert_clean("operator locked out", allow_status=429)
    assert AccessAttempt.objects.filter(username="operator").exists()

    # --- the security officer (MFA) releases it from the Lockouts page ---------------------------
    officer, officer_watch = open_page(user_agent=OFFICER_BROWSER)
    officer.on("dialog", lambda dialog: dialog.accept())  # "Release the selected accounts?"
    response = submit_login(officer, base_url, "security", demo)
    assert response.status == 302
    confirm_password_if_asked(officer, demo)
    assert path_of(officer.url).startswith(TOTP_ACTIVATE_PATH)
    activate_totp(officer)
    goto(officer, base_url, CONSOLE_PATH)
    screenshot(officer, "security", "lockout-officer-console-home")
    officer.locator(f'[data-testid="sidebar"] a[data-testid="menu-item"][href="{LOCKOUTS}"]').click()
    officer.wait_for_url(f"**{LOCKOUTS}")
    row = officer.locator('[data-testid="object-table"] tbody tr', has_text="operator")
    assert row.count() == 1
    assert row.locator(".badge.text-bg-danger").is_visible(), "operator not shown as locked"
    screenshot(officer, "security", "lockouts-locked")
    row.locator("input.ww-row-check").check()
    with officer.expect_response(lambda r: r.request.method == "POST" and path_of(r.url) == LOCKOUTS) as post:
        officer.locator('button[name="bulk_action"][value="release"]').click()
    assert post.value.status == 302
    officer.wait_for_load_state("load")
    assert officer.locator(".ww-messages .alert-success").is_visible()
    assert officer.locator('[data-testid="object-table"] tbody tr', has_text="operator").count() == 0
    screenshot(officer, "security", "lockouts-released")
    officer_watch.assert_clean("security releases the lockout")
    assert not AccessAttempt.objects.filter(username="operator").exists()

    # --- the operator logs in, from the browser that was locked ----------------------------------
    response = submit_login(page, base_url, "operator", demo)
    assert response.status == 302, f"operator still refused after release (HTTP {response.status})"
    assert path_of(page.url) == CONSOLE_PATH
    assert page.locator('[data-testid="sidebar"]').is_visible()
    screenshot(page, "operator", "console-home-after-release")
    watch.assert_clean("operator logs in after release")
