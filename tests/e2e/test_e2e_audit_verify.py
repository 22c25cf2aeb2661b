"""The auditor verifies the audit chain from the explorer and reads the result in either language."""

from __future__ import annotations

import re

import pytest

from ._support import CHROMIUM, goto, screenshot, submit_login

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is not installed; the browser suite needs Debian's chromium", allow_module_level=True
    )

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_the_auditor_verifies_the_chain_and_reads_the_summary_in_both_languages(open_page, base_url, demo):
    page, watch = open_page()
    submit_login(page, base_url, "auditor", demo)
    goto(page, base_url, "/console/audit/")
    page.click('[data-testid="verify-chain"]')
    summary = page.locator('[data-testid="job-result-summary"]')
    summary.wait_for(timeout=60_000)
    assert re.match(r"审计日志哈希链完整：共 \d+ 条事件（#1 至 #\d+）", summary.inner_text()), (
        summary.inner_text()
    )
    screenshot(page, "auditor", "audit-verify-result")
    page.context.add_cookies([{"name": "whitewall_language", "value": "en", "url": base_url}])
    page.reload()
    english = page.locator('[data-testid="job-result-summary"]').inner_text()
    assert re.match(r"Audit chain intact: \d+ events, #1\.\.#\d+", english), english
    screenshot(page, "auditor", "audit-verify-result-en")
    watch.assert_clean("auditor verifying the chain")
