"""The wall's whole chain in one browser test, in the order it happens to a post:

a wall user submits a post (text and an image) → a content reviewer approves it in the review queue →
it takes its next free publishing slot (policy gap and daily cap) → the periodic publishing job (the
task function the consumer runs, with the clock at the slot) publishes it exactly once → the cached
wall home shows it to the public → a guest and wall users report it up to the policy's threshold → it
is gone from the wall and its page → the analytics page and the regulation board (2.3.2, 1.3.1) show
the views, the reports, the reviewed publication and the open reports.

The clock: a post's slot may lie hours ahead (the policy's publishing hours and daily cap), so from
the job's run on ``django.utils.timezone.now`` runs ahead by the time to the slot, for the live server
and the test alike, as if the test had waited for it.
"""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import pytest

from ._support import CHROMIUM, CONSOLE_PATH, goto, path_of, screenshot, submit_login

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is not installed; the browser suite needs Debian's chromium", allow_module_level=True
    )

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TITLE = "图书馆三楼自习区的插座坏了"
BODY = "图书馆三楼东侧自习区有一排插座没有电，晚上复习时很不方便，希望后勤尽快检修。"
WALL_USERS = ["xiaoyu", "ahao", "mengmeng", "dawei", "tiantian", "jiaqi", "zihan", "yifan"]


class Clock:
    """``django.utils.timezone.now`` that can be moved forward (every thread of the process sees it)."""

    def __init__(self, monkeypatch):
        from django.utils import timezone

        self.real_now = timezone.now
        self.offset = datetime.timedelta(0)
        monkeypatch.setattr(timezone, "now", self.now)

    def now(self) -> datetime.datetime:
        return self.real_now() + self.offset

    def move_to(self, moment: datetime.datetime) -> None:
        self.offset = max(self.offset, moment - self.real_now())


def _image() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (480, 320), (200, 90, 40)).save(out, "JPEG")
    return out.getvalue()


def _log_in(open_page, base_url, username, password, *, console=False):
    page, watch = open_page()
    submit_login(page, base_url, username, password)
    if console:
        assert path_of(page.url) == CONSOLE_PATH, f"{username} did not reach the console: {page.url}"
    return page, watch


def _card(page, title: str):
    return page.locator('[data-testid="post-card"]', has_text=title)


def _figure(page, testid: str) -> float:
    text = page.locator(f'[data-testid="{testid}"]').inner_text().strip()
    return float(text.replace(",", ""))


def _clause_figures(page, base_url, code: str) -> dict[str, str]:
    goto(page, base_url, f"/console/regulation/clauses/{code}/")
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll("dl.row dt")]
             .map(dt => [dt.textContent.trim(), dt.nextElementSibling.textContent.trim()]))"""
    )


def _assert_slot_respects_the_policy(post, policy) -> None:
    from django.utils import timezone

    from whitewall.wall import slots
    from whitewall.wall.models import Post

    slot = post.scheduled_for
    local = timezone.localtime(slot)
    assert policy.publish_start_hour <= local.hour < policy.publish_end_hour, f"slot {local} outside hours"
    assert local.second == 0 and local.microsecond == 0, "slots are whole minutes"
    others = [
        moment
        for moment, pk in slots.taken_times(
            slot - datetime.timedelta(days=2), slot + datetime.timedelta(days=2)
        )
        if pk != post.pk
    ]
    gap = datetime.timedelta(minutes=policy.slot_min_gap_minutes)
    assert all(abs(moment - slot) >= gap for moment in others), "another post goes out within the gap"
    day_start, day_end = slots.local_day_bounds(local.date())
    same_day = [moment for moment in others if day_start <= moment < day_end]
    assert len(same_day) < policy.daily_cap, "the slot's day was already full"
    # The next free slot: no earlier minute from the approval on would have done (staging runs just
    # after the approval is recorded, within the same minute or the next).
    earliest = slots.next_free_slot(post.reviewed_at, exclude_pk=post.pk)
    assert (
        earliest
        <= slot
        <= slots.next_free_slot(post.reviewed_at + datetime.timedelta(minutes=1), exclude_pk=post.pk)
    )
    assert not slots.slot_problems(slot, exclude_pk=post.pk)
    assert post.status == Post.Status.SCHEDULED


def test_a_post_goes_through_the_whole_chain(open_page, base_url, demo, monkeypatch):
    from django.db.models import Sum

    from whitewall.accounts.models import User
    from whitewall.config.policy import get_policy
    from whitewall.notifications.models import Notification
    from whitewall.wall import cache as wall_cache
    from whitewall.wall import checks
    from whitewall.wall.models import Post, PostViewDay, Report, Topic
    from whitewall.wall.selectors import analytics
    from whitewall.wall.services.reports import reporter_weight
    from whitewall.wall.tasks import publish_due_posts
    from whitewall.wall.visitor import Visitor

    clock = Clock(monkeypatch)
    # Guest reports from this address earlier today (the shared cache outlives the test) do not count.
    from whitewall.wall import ratelimit

    ratelimit.reset("report:ip", "127.0.0.1", 24 * 3600)
    policy = get_policy().wall
    topic = (
        Topic.objects.filter(is_active=True)
        .exclude(slug__in=policy.second_review_topics)
        .order_by("pk")
        .first()
    )

    # --- 0. The public wall home, served from the cache, before anything happens.
    public, public_watch = open_page()
    goto(public, base_url, "/")
    assert _card(public, TITLE).count() == 0
    public_watch.assert_clean("the wall home")

    # --- 1. A wall user submits a post with an image.
    author, author_watch = _log_in(open_page, base_url, "visitor", demo)
    goto(author, base_url, "/submit/")
    form = author.locator('[data-testid="submit-form"]')
    form.locator("select[name=topic]").select_option(label=topic.name)
    form.locator("input[name=title]").fill(TITLE)
    form.locator("textarea[name=body]").fill(BODY)
    form.locator("input[name=images]").set_input_files(
        [{"name": "socket.jpg", "mimeType": "image/jpeg", "buffer": _image()}]
    )
    form.locator('[data-testid="submit-button"]').click()
    author.wait_for_load_state("load")
    assert path_of(author.url) == "/me/submissions/"
    mine = author.locator('[data-testid="submission"]', has_text=TITLE)
    assert mine.locator('[data-testid="submission-status"]').get_attribute("data-status") == "pending"
    author_watch.assert_clean("submitting the post")
    post = Post.objects.get(title=TITLE)
    assert post.status == Post.Status.PENDING and post.images.count() == 1

    # --- 2. A content reviewer approves it in the review queue.
    reviewer, reviewer_watch = _log_in(open_page, base_url, "reviewer", demo, console=True)
    goto(reviewer, base_url, "/console/wall/review/")
    item = reviewer.locator('[data-testid="review-item"]', has_text=TITLE)
    assert item.count() == 1
    item.locator('[data-testid="review-open"]').click()
    reviewer.wait_for_load_state("load")
    assert reviewer.locator('[data-testid="lock-mine"]').is_visible()
    reviewer.locator('[data-testid="approve"]').click()
    reviewer.wait_for_load_state("load")
    assert path_of(reviewer.url) == "/console/wall/review/"
    assert reviewer.locator('[data-testid="review-item"]', has_text=TITLE).count() == 0
    reviewer_watch.assert_clean("approving the post")

    # --- 3. It took its next free publishing slot, by the policy's hours, gap and daily cap.
    post.refresh_from_db()
    assert post.reviewed_by.username == "reviewer"
    _assert_slot_respects_the_policy(post, policy)
    goto(author, base_url, "/me/submissions/")
    mine = author.locator('[data-testid="submission"]', has_text=TITLE)
    assert mine.locator('[data-testid="submission-status"]').get_attribute("data-status") == "scheduled"
    goto(public, base_url, "/")
    assert _card(public, TITLE).count() == 0, "a scheduled post is not on the wall before its slot"

    # --- 4. The periodic job runs at the slot (the task function the consumer calls) — once.
    clock.move_to(post.scheduled_for + datetime.timedelta(seconds=5))
    result = publish_due_posts.call_local()
    assert result["published"] >= 1
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED and post.published_at >= post.scheduled_for
    published_at = post.published_at
    clock.move_to(clock.now() + datetime.timedelta(minutes=1))  # the next minute's run
    publish_due_posts.call_local()
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED and post.published_at == published_at
    told = Notification.objects.filter(recipient__username="visitor", kind="wall.post_published")
    assert told.filter(url__endswith=f"/p/{post.pk}/").count() == 1, "published (and told) exactly once"

    # --- 5. The anonymous wall home — the cached page — shows it, image and all.
    goto(public, base_url, "/")
    card = _card(public, TITLE)
    assert card.count() == 1
    assert card.locator("img").first.evaluate("img => img.complete && img.naturalWidth > 0")
    cached, _versions = wall_cache.page_get("page:/|1|zh-hans")
    assert cached is not None and TITLE.encode() in cached, "the home page is served from the cache"
    screenshot(public, "guest", "chain-wall-home")
    with public.expect_response(lambda r: r.url.endswith(f"/p/{post.pk}/seen/")) as seen:
        card.locator("a.stretched-link").click()
    assert seen.value.status == 200
    assert path_of(public.url) == f"/p/{post.pk}/"
    assert BODY in public.locator('[data-testid="post-body"]').inner_text()
    public_watch.assert_clean("reading the post")

    # The post page came from the cache (kept up to a minute); its counters are the current ones:
    # the author (back later, so signed in afresh) likes the post, a new reader gets the cached page
    # and the view beacon's numbers.
    author, author_watch = _log_in(open_page, base_url, "visitor", demo)
    goto(author, base_url, f"/p/{post.pk}/")
    author.locator('[data-testid="like-button"]').click()
    author.wait_for_selector('[data-testid="like-button"][aria-pressed="true"]')
    author_watch.assert_clean("liking the post")
    reader, reader_watch = open_page()
    page_response = goto(reader, base_url, f"/p/{post.pk}/")
    assert re.search(r'data-testid="like-count">0<', page_response.text()), "the cached page, as stored"
    reader.wait_for_function(
        """() => document.querySelector('[data-testid="like-count"]').textContent.trim() === "1" """
    )
    views = Post.objects.get(pk=post.pk).view_count
    assert views == 2  # the public reader and the author (the new reader shares the first's address)
    assert reader.locator('[data-testid="view-count"]').inner_text().strip() == str(views)
    reader_watch.assert_clean("the cached post page")

    # Analytics before the reports: the view is counted.
    manager, manager_watch = _log_in(open_page, base_url, "ops_manager", demo, console=True)
    goto(manager, base_url, "/console/wall/analytics/")
    views_before = _figure(manager, "figure-views")
    per_thousand_before = _figure(manager, "figure-reports")
    start, end = analytics.default_range()
    reports_before = analytics.compute(start, end).reports
    assert PostViewDay.objects.filter(post=post).aggregate(n=Sum("views"))["n"] == views
    open_before = Report.objects.filter(status=Report.Status.OPEN).count()

    # --- 6. Reports up to the threshold: a guest first, then wall users, each in their own browser.
    threshold = Decimal(str(policy.report_hide_threshold))
    reporters: list[str | None] = [None]  # None: a guest
    score = Decimal(str(policy.guest_report_weight))
    for username in WALL_USERS:
        if score >= threshold:
            break
        reporters.append(username)
        score += reporter_weight(Visitor(user=User.objects.get(username=username)).key)
    assert score >= threshold, "the demo has not enough wall users to reach the threshold"
    for index, username in enumerate(reporters):
        last = index == len(reporters) - 1
        if username is None:
            page, watch = open_page()
        else:
            page, watch = _log_in(open_page, base_url, username, demo)
        goto(page, base_url, f"/p/{post.pk}/")
        page.locator('[data-testid="report-post"]').click()
        page.wait_for_load_state("load")
        form = page.locator('[data-testid="report-form"]')
        assert (username is None) == page.locator('[data-testid="guest-report-note"]').is_visible()
        form.locator("input[name=reason][value=harassment]").check()
        form.locator("textarea[name=detail]").fill(
            "帖子下面有人被点名辱骂。" if username else "路过看到，疑似违规。"
        )
        if index == 0:
            screenshot(page, "guest", "chain-report-form")
        form.locator('[data-testid="report-submit"]').click()
        page.wait_for_load_state("load")
        assert page.locator(".alert-success").count() >= 1, (
            f"no thank-you message for {username or 'the guest'}"
        )
        if not last:
            assert path_of(page.url) == f"/p/{post.pk}/", "below the threshold the post stays"
            goto(public, base_url, "/")
            assert _card(public, TITLE).count() == 1
        else:
            assert path_of(page.url) == "/", "the report that hid the post leads back to the wall"
            assert _card(page, TITLE).count() == 0
        watch.assert_clean(f"report by {username or 'a guest'}")
    post.refresh_from_db()
    assert post.hidden_at is not None and post.report_score >= threshold
    assert Report.objects.filter(post=post, by_guest=True).count() == 1

    # --- 7. Gone for the public: the (cached) home and the post page.
    goto(public, base_url, "/")
    assert _card(public, TITLE).count() == 0
    fresh, fresh_watch = open_page()
    goto(fresh, base_url, "/")
    assert _card(fresh, TITLE).count() == 0
    goto(fresh, base_url, f"/p/{post.pk}/", expect_status=404)
    fresh_watch.assert_clean("the hidden post", allow_status=404)
    public_watch.assert_clean("the wall after the reports")

    # --- 8. The moderation queue marks the guest's report; analytics moved; the board reflects it all.
    goto(manager, base_url, "/console/wall/reports/")
    group = manager.locator('[data-testid="report-group"]', has_text=TITLE[:20])
    assert group.count() == 1 and group.locator('[data-testid="guest-reports"]').count() == 1
    goto(manager, base_url, "/console/wall/analytics/")
    views_after = _figure(manager, "figure-views")
    per_thousand_after = _figure(manager, "figure-reports")
    # Every view since is the post's own (each reporter read it first).
    post.refresh_from_db()
    assert post.view_count >= views + len(reporters) - 1  # the guest shares the first reader's address
    assert views_after - views_before == post.view_count - views
    assert per_thousand_after == round((reports_before + len(reporters)) * 1000 / views_after, 2)
    assert per_thousand_after > per_thousand_before
    screenshot(manager, "ops_manager", "chain-analytics")

    goto(manager, base_url, "/console/regulation/")
    manager.locator('[data-testid="run-checks"]').click()
    manager.wait_for_load_state("load")
    assert manager.locator('[data-testid="clause-row"][data-code="2.3.2"]').count() == 1
    window_start, window_end = checks._window()
    published = Post.objects.filter(published_at__gte=window_start, published_at__lte=window_end)
    reviewed = published.filter(reviewed_by__isnull=False)
    assert published.filter(pk=post.pk).exists() and reviewed.filter(pk=post.pk).exists()
    for code in ("2.3.2", "1.3.1"):
        figures = _clause_figures(manager, base_url, code)
        assert int(figures["published_posts"]) == published.exclude(pk=post.pk).count() + 1, code
        assert int(figures["reviewed_posts"]) >= reviewed.exclude(pk=post.pk).count() + 1, code
        assert int(figures["reviewed_posts"]) == checks.published_posts_reviewed().figures["reviewed_posts"]
        if code == "2.3.2":
            assert int(figures["reports_open"]) == open_before + len(reporters)
            screenshot(manager, "ops_manager", "chain-clause-2-3-2")
    manager_watch.assert_clean("analytics and the board")
