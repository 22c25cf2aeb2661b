"""Sensitive words in the browser, as a content reviewer: lists, import with report, screening test."""

from __future__ import annotations

import pytest

from ._support import CHROMIUM, CONSOLE_PATH, path_of, screenshot, submit_login

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is not installed; the browser suite needs Debian's chromium", allow_module_level=True
    )

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LISTS = "/console/wall/word-lists/"
TRY = "/console/wall/screening/"


def test_reviewer_imports_words_and_screens_a_text(open_page, base_url, demo, tmp_path):
    page, watch = open_page()
    submit_login(page, base_url, "reviewer", demo)
    assert path_of(page.url) == CONSOLE_PATH

    # The menu leads to the word lists; the demo lists are there.
    page.locator(f'a[href="{LISTS}"]').first.click()
    page.wait_for_url(f"**{LISTS}")
    for name in ("广告与引流", "诈骗", "辱骂", "隐私"):
        assert page.get_by_role("link", name=name).count() == 1
    screenshot(page, "reviewer", "word-lists")
    watch.assert_clean("word lists")

    # Import a txt file into 诈骗: one new word, one duplicate (traditional form), one invalid line.
    page.get_by_role("link", name="诈骗").click()
    page.locator('[data-testid="word-cloud"]').wait_for()
    screenshot(page, "reviewer", "word-list-detail")
    page.locator('[data-testid="import-words"]').click()
    upload = tmp_path / "诈骗补充.txt"
    upload.write_text("\ufeff杀猪盘\n傳銷\n***\n", encoding="utf-8")
    page.set_input_files('input[name="file"]', str(upload))
    page.locator('[data-testid="import-form"] button[type="submit"]').click()
    report = page.locator('[data-testid="import-report"]')
    report.wait_for()
    assert "傳銷" in report.inner_text()  # named as the skipped duplicate
    assert page.locator('[data-testid="import-report"] table tbody tr').count() == 1  # the invalid line
    screenshot(page, "reviewer", "word-import-report")
    watch.assert_clean("import")

    # The new word takes effect at once: the screening test page blocks it, disguised.
    page.goto(base_url + TRY)
    page.fill('textarea[name="text"]', "朋友介绍的杀*猪*盘项目，另外你真是个脑残。遇到可拨打传销举报热线。")
    page.locator('[data-testid="try-form"] button[type="submit"]').click()
    page.locator('[data-testid="screen-result"]').wait_for()
    assert page.locator('[data-testid="screen-action"]').inner_text().strip() == "拦截"
    marks = page.locator('[data-testid="highlighted"] mark').all_inner_texts()
    assert marks == ["杀*猪*盘", "脑残"]  # the whitelisted hotline is not marked
    screenshot(page, "reviewer", "word-screening-test")
    watch.assert_clean("screening test")


WORDS_MENU = {LISTS, "/console/wall/whitelist/", TRY}


@pytest.mark.parametrize(
    ("username", "sees", "may_add"),
    [
        ("ops_manager", True, True),
        ("reviewer", True, True),
        ("operator", True, False),
        ("auditor", True, False),
        ("marketing", False, False),
    ],
)
def test_word_pages_by_role(open_page, base_url, demo, username, sees, may_add):
    page, watch = open_page()
    submit_login(page, base_url, username, demo)
    assert path_of(page.url) == CONSOLE_PATH
    hrefs = set(
        page.locator('[data-testid="sidebar"] a').evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
    )
    assert (hrefs >= WORDS_MENU) == sees and not (WORDS_MENU & hrefs and not sees)
    if not sees:
        return
    page.goto(base_url + LISTS)
    assert (page.locator('[data-testid="add-button"]').count() > 0) == may_add
    if username == "auditor":
        assert page.locator(".ww-bulk-bar").count() == 0
    watch.assert_clean(f"{username} word lists")
