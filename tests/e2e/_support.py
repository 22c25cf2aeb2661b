"""Helpers for the browser suite: watching a page for errors, logging in, MFA set-up, screenshots.

Kept out of conftest.py so test modules can import them (``from ._support import ...``).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPO_ROOT / "var" / "screenshots"

LOGIN_PATH = "/accounts/login/"
TOTP_ACTIVATE_PATH = "/accounts/2fa/totp/activate/"
REAUTHENTICATE_PATH = "/accounts/reauthenticate/"
CONSOLE_PATH = "/console/"

# The demo accounts (accounts/demo.py) and their roles.
STAFF_ROLES = {
    "admin": "system_admin",
    "ops_manager": "operations_manager",
    "operator": "operator",
    "reviewer": "content_reviewer",
    "support": "tech_support",
    "marketing": "marketing",
    "hr": "hr_officer",
    "finance": "finance_officer",
    "security": "security_officer",
    "dept_head": "department_head",
    "executive": "executive",
    "auditor": "auditor",
}
ALL_ACCOUNTS = [*STAFF_ROLES, "visitor"]


def mfa_required(username: str) -> bool:
    """Read the policy file, as the middleware does, rather than repeating its list here."""
    from whitewall.config.policy import get_policy

    role = STAFF_ROLES.get(username)
    return role is not None and role in set(get_policy().auth.mfa_required_roles)


@dataclass
class Problem:
    kind: str  # "console", "pageerror", "response"
    text: str
    url: str

    def __str__(self) -> str:
        return f"[{self.kind}] {self.text} (on {self.url})"


@dataclass
class PageWatch:
    """Records every console error, uncaught page error and HTTP response >= 400 of a page."""

    page: object
    problems: list[Problem] = field(default_factory=list)
    statuses: list[tuple[str, int]] = field(default_factory=list)

    def attach(self) -> PageWatch:
        self.page.on("console", self._on_console)
        self.page.on("pageerror", self._on_pageerror)
        self.page.on("response", self._on_response)
        return self

    def _on_console(self, message) -> None:
        if message.type == "error":
            location = message.location or {}
            where = location.get("url") or self.page.url
            self.problems.append(Problem("console", message.text, where))

    def _on_pageerror(self, error) -> None:
        self.problems.append(Problem("pageerror", str(error), self.page.url))

    def _on_response(self, response) -> None:
        self.statuses.append((response.url, response.status))
        if response.status >= 400:
            self.problems.append(Problem("response", f"HTTP {response.status}", response.url))

    def take(self) -> list[Problem]:
        problems, self.problems = self.problems, []
        return problems

    def assert_clean(self, what: str, *, allow_status: int | None = None) -> None:
        """No error since the last check. ``allow_status``: one expected HTTP error on the main
        document (and Chromium's matching "Failed to load resource" console line)."""
        problems = []
        for problem in self.take():
            if allow_status is not None:
                if problem.kind == "response" and problem.text == f"HTTP {allow_status}":
                    continue
                if problem.kind == "console" and f"status of {allow_status}" in problem.text:
                    continue
            problems.append(problem)
        assert not problems, f"{what}: " + "; ".join(str(p) for p in problems)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def slugify_path(url: str) -> str:
    slug = re.sub(r"[^a-zA-Z0-9]+", "-", path_of(url)).strip("-")
    return slug or "root"


def screenshot(page, role: str, slug: str) -> Path:
    target = SCREENSHOT_DIR / role / f"{slug}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=True)
    return target


def goto(page, base_url: str, path: str, *, expect_status: int = 200):
    """Open ``path`` and return the main response; fail when its status is not the expected one."""
    response = page.goto(base_url + path, wait_until="load")
    assert response is not None, f"no response for {path}"
    assert response.status == expect_status, f"{path}: HTTP {response.status}, expected {expect_status}"
    return response


def submit_login(page, base_url: str, username: str, password: str):
    """Fill allauth's login form (fields ``login`` and ``password``) and submit it.

    Returns the response of the form's POST (the first response of the navigation)."""
    form = page.locator(f'form[action="{LOGIN_PATH}"]')
    if path_of(page.url) != LOGIN_PATH or not form.count():
        goto(page, base_url, LOGIN_PATH)
    form.locator("input[name=login]").fill(username)
    form.locator("input[name=password]").fill(password)
    with page.expect_response(
        lambda r: r.request.method == "POST" and urlsplit(r.url).path == LOGIN_PATH
    ) as posted:
        form.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    return posted.value


def current_totp_code(secret: str) -> str:
    """RFC 6238 code for now, via allauth's own HOTP helpers; waits out the last seconds of a
    period so the server checks it in the same 30-second window."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = app_settings.TOTP_PERIOD
    if period - (time.time() % period) < 3:
        time.sleep(period - (time.time() % period) + 0.2)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def confirm_password_if_asked(page, password: str, role: str | None = None) -> bool:
    """allauth asks for the password again before MFA can be set up (reauthentication)."""
    if not path_of(page.url).startswith(REAUTHENTICATE_PATH):
        return False
    if role:
        screenshot(page, role, "mfa-reauthenticate")
    form = page.locator(f'form[action="{REAUTHENTICATE_PATH}"]')
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    return True


def activate_totp(page, role: str | None = None) -> str:
    """On allauth's TOTP activation page: read the secret shown, submit the current code.

    Returns the secret. Leaves the page on whatever allauth shows next (the recovery codes)."""
    assert path_of(page.url).startswith(TOTP_ACTIVATE_PATH), f"not on the MFA set-up page: {page.url}"
    secret = page.locator("#authenticator_secret").input_value().strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), f"unexpected TOTP secret shown: {secret!r}"
    qr = page.locator("img.ww-totp-qr")
    assert qr.get_attribute("src").startswith("data:image/svg+xml;base64,"), "no QR code image"
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "QR code image did not render"
    if role:
        screenshot(page, role, "mfa-activate")
    form = page.locator(f'form[action="{TOTP_ACTIVATE_PATH}"]')
    form.locator("input[name=code]").fill(current_totp_code(secret))
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    assert not path_of(page.url).startswith(TOTP_ACTIVATE_PATH), "TOTP code was not accepted"
    return secret


def menu_hrefs(page) -> list[str]:
    return page.locator('[data-testid="sidebar"] [data-testid="menu-item"]').evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
