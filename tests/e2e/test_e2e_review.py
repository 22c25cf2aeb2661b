"""Content review in the browser: a reviewer approves a pending submission and rejects another
with a reason; the operations manager's pages of reports, complaints and take-down requests."""

from __future__ import annotations

import pytest

from ._support import CHROMIUM, CONSOLE_PATH, goto, path_of, screenshot, submit_login

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is not installed; the browser suite needs Debian's chromium", allow_module_level=True
    )

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

QUEUE = "/console/wall/review/"


def log_in(open_page, base_url, username, password):
    page, watch = open_page()
    submit_login(page, base_url, username, password)
    assert path_of(page.url) == CONSOLE_PATH
    return page, watch


def open_item(page, title: str):
    page.locator('[data-testid="review-item"]', has_text=title).locator('[data-testid="review-open"]').click()
    page.wait_for_load_state("load")
    assert page.locator('[data-testid="lock-mine"]').is_visible()


def test_reviewer_approves_one_submission_and_rejects_another_with_a_reason(open_page, base_url, demo):
    from whitewall.wall.models import Post

    page, watch = log_in(open_page, base_url, "reviewer", demo)
    goto(page, base_url, QUEUE)
    assert page.locator('[data-testid="review-item"]').count() >= 5
    assert page.locator("mark.ww-hit").count() >= 1  # sensitive-word hits are highlighted
    screenshot(page, "reviewer", "review-queue")

    open_item(page, "期末复习小组")
    screenshot(page, "reviewer", "review-item")
    page.locator('[data-testid="approve"]').click()
    page.wait_for_load_state("load")
    assert path_of(page.url) == QUEUE
    approved = Post.objects.get(title="期末复习小组")
    assert approved.status == "scheduled" and approved.reviewed_by.username == "reviewer"

    open_item(page, "兼职刷单日结")
    form = page.locator('[data-testid="reject-form"]')
    form.locator("button[type=submit]").click()  # no reason chosen: the browser refuses to send it
    assert form.locator("select[name=reason]").evaluate("select => !select.validity.valid")
    assert Post.objects.get(title="兼职刷单日结").status == "pending"
    form.locator("select[name=reason]").select_option("advertising")
    form.locator("textarea[name=note]").fill("刷单属于违规广告，不予发布。")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    rejected = Post.objects.get(title="兼职刷单日结")
    assert (rejected.status, rejected.reject_reason, rejected.reject_note) == (
        "rejected",
        "advertising",
        "刷单属于违规广告，不予发布。",
    )
    assert page.locator('[data-testid="review-item"]', has_text="兼职刷单日结").count() == 0
    screenshot(page, "reviewer", "review-queue-after")
    watch.assert_clean("review queue")


def test_operations_manager_pages(open_page, base_url, demo):
    page, watch = log_in(open_page, base_url, "ops_manager", demo)
    goto(page, base_url, "/console/wall/reports/")
    assert page.locator('[data-testid="report-group"]').count() >= 2
    assert page.locator('[data-testid="overdue"]').count() >= 1
    screenshot(page, "ops_manager", "reports")
    page.locator('[data-testid="report-group"] a').first.click()
    page.wait_for_load_state("load")
    assert page.locator('[data-testid="report-actions"]').is_visible()
    screenshot(page, "ops_manager", "report-detail")
    goto(page, base_url, "/console/wall/feedback/")
    screenshot(page, "ops_manager", "feedback")
    page.locator('[data-testid="object-table"] tbody tr a').first.click()
    page.wait_for_load_state("load")
    screenshot(page, "ops_manager", "feedback-detail")
    goto(page, base_url, "/console/wall/takedowns/")
    assert page.locator('[data-testid="takedown-request"]').count() == 1
    screenshot(page, "ops_manager", "takedowns")
    goto(page, base_url, QUEUE + "?tab=flagged")
    screenshot(page, "ops_manager", "review-flagged")
    goto(page, base_url, CONSOLE_PATH)
    screenshot(page, "ops_manager", "console-home")
    watch.assert_clean("content operations pages")
