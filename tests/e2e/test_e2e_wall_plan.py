"""The publishing plan and analytics in the browser: drag a plan item to another day, write a staff
post in the rich-text editor, and the analytics charts, all without CSP or JavaScript errors."""

from __future__ import annotations

import datetime

import pytest

from ._support import CHROMIUM, CONSOLE_PATH, goto, path_of, screenshot, submit_login

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is not installed; the browser suite needs Debian's chromium", allow_module_level=True
    )

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def log_in(open_page, base_url, password, username="marketing"):
    page, watch = open_page()
    submit_login(page, base_url, username, password)
    assert path_of(page.url) == CONSOLE_PATH
    return page, watch


def test_drag_a_plan_item_to_another_day(open_page, base_url, demo):
    from django.utils import timezone

    from whitewall.wall.models import PlanItem

    item = (
        PlanItem.objects.filter(status="planned", post__isnull=True, slot__gt=timezone.now())
        .order_by("slot")
        .first()
    )
    slot = timezone.localtime(item.slot)
    target = None
    for offset in (1, 2, 3, -1):
        day = slot.date() + datetime.timedelta(days=offset)
        if day > timezone.localdate() and day.month == slot.month:
            target = day
            break
    page, watch = log_in(open_page, base_url, demo)
    goto(page, base_url, f"/console/wall/plan/?date={slot.date().isoformat()}")
    watch.assert_clean("plan calendar")
    assert page.locator(".ww-plan-day.is-empty").count() > 0  # the demo leaves days empty on purpose
    screenshot(page, "marketing", "wall-plan-month")
    entry = page.locator(f'[data-testid="plan-item-{item.pk}"]')
    cell = page.locator(f'[data-testid="plan-day-{target.isoformat()}"]')
    assert entry.count() == 1 and cell.count() == 1
    with page.expect_response(lambda r: "/move/" in r.url and r.request.method == "POST") as answer:
        # The HTML5 drag-and-drop events a mouse drag fires, dispatched with one DataTransfer.
        page.evaluate(
            """([source, target]) => {
                const from = document.querySelector(source), to = document.querySelector(target);
                const data = new DataTransfer();
                from.dispatchEvent(new DragEvent("dragstart", {bubbles: true, dataTransfer: data}));
                to.dispatchEvent(new DragEvent("dragover", {bubbles: true, cancelable: true, dataTransfer: data}));
                to.dispatchEvent(new DragEvent("drop", {bubbles: true, cancelable: true, dataTransfer: data}));
                from.dispatchEvent(new DragEvent("dragend", {bubbles: true, dataTransfer: data}));
            }""",
            [f'[data-testid="plan-item-{item.pk}"]', f'[data-testid="plan-day-{target.isoformat()}"]'],
        )
    assert answer.value.status == 200, answer.value.text()
    page.wait_for_selector(
        f'[data-testid="plan-day-{target.isoformat()}"] [data-testid="plan-item-{item.pk}"]'
    )
    watch.assert_clean("after the drag")
    item.refresh_from_db()
    moved = timezone.localtime(item.slot)
    assert moved.date() == target and moved.time() == slot.time()
    # Reload: the server has it on the new day.
    goto(page, base_url, f"/console/wall/plan/?date={target.isoformat()}")
    assert (
        page.locator(
            f'[data-testid="plan-day-{target.isoformat()}"] [data-testid="plan-item-{item.pk}"]'
        ).count()
        == 1
    )
    goto(page, base_url, f"/console/wall/plan/?view=week&date={target.isoformat()}")
    screenshot(page, "marketing", "wall-plan-week")
    watch.assert_clean("week view")


def test_write_a_staff_post_in_the_editor(open_page, base_url, demo):
    from whitewall.wall.models import StaffPost

    page, watch = log_in(open_page, base_url, demo)
    goto(page, base_url, "/console/wall/staff-posts/add/")
    editor = page.locator('[data-testid="rich-editor"] .ql-editor')
    editor.click()
    page.keyboard.type("周五晚上操场放映电影")
    page.locator("#id_title").fill("露天电影")
    page.locator("#id_topic").select_option(index=1)
    screenshot(page, "marketing", "wall-staffpost-editor")
    watch.assert_clean("editor")
    page.locator('[data-testid="save"]').click()
    page.wait_for_selector('[data-testid="post-body"]')
    post = StaffPost.objects.get(title="露天电影")
    assert "周五晚上操场放映电影" in post.body_html and post.body_html.startswith("<p>")
    watch.assert_clean("saved post")


def test_analytics_page_renders_charts_without_csp_errors(open_page, base_url, demo):
    page, watch = log_in(open_page, base_url, demo)
    goto(page, base_url, "/console/wall/analytics/")
    page.wait_for_selector("#analytics-daily canvas")
    page.wait_for_selector("#analytics-heatmap canvas")
    page.locator("#analytics-daily canvas").first.hover()
    screenshot(page, "marketing", "wall-analytics")
    watch.assert_clean("analytics")


TOOLTIP_LABELS = {
    "zh-hans": {
        "enter": "输入链接：",
        "visit": "访问链接：",
        "edit": "编辑",
        "save": "保存",
        "remove": "删除",
    },
    "en": {"enter": "Enter link:", "visit": "Visit URL:", "edit": "Edit", "save": "Save", "remove": "Remove"},
}


def _pseudo(page, selector: str, which: str) -> str:
    return page.locator(selector).evaluate(
        f"node => getComputedStyle(node, '{which}').content.replace(/^\"|\"$/g, '')"
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_editors_link_tooltip_speaks_the_pages_language(open_page, base_url, demo, language):
    page, watch = log_in(open_page, base_url, demo)
    page.context.add_cookies([{"name": "whitewall_language", "value": language, "url": base_url}])
    goto(page, base_url, "/console/wall/staff-posts/add/")
    labels = TOOLTIP_LABELS[language]
    editor = page.locator('[data-testid="rich-editor"] .ql-editor')
    editor.click()
    page.keyboard.type("活动报名")
    page.keyboard.press("Shift+Home")
    page.locator(".ql-toolbar button.ql-link").click()
    tooltip = ".ql-tooltip.ql-editing"
    page.wait_for_selector(tooltip)
    assert _pseudo(page, tooltip, "::before") == labels["enter"]
    assert _pseudo(page, f"{tooltip} a.ql-action", "::after") == labels["save"]
    screenshot(page, "marketing", f"wall-editor-link-enter-{language}")
    page.locator(f"{tooltip} input[type=text]").fill("https://example.com/signup")
    page.keyboard.press("Enter")
    editor.locator("a").click()
    preview = ".ql-tooltip:not(.ql-hidden):not(.ql-editing)"
    page.wait_for_selector(preview)
    assert _pseudo(page, preview, "::before") == labels["visit"]
    assert _pseudo(page, f"{preview} a.ql-action", "::after") == labels["edit"]
    assert _pseudo(page, f"{preview} a.ql-remove", "::before") == labels["remove"]
    screenshot(page, "marketing", f"wall-editor-link-preview-{language}")
    watch.assert_clean("the link tooltip")
