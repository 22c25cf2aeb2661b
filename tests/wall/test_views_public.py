"""The public wall's pages: feed, cache and its invalidation, post page, my submissions, feedback."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from whitewall.core.testing import login
from whitewall.core.testing.queries import assert_query_baseline
from whitewall.wall import testing as f
from whitewall.wall.cache import bump_wall_version
from whitewall.wall.models import Comment, Feedback, Post, PostImage, PostLike, PostViewDay
from whitewall.wall.services import posts as post_services

pytestmark = pytest.mark.django_db


def _bulk_published(n: int, topic):
    now = timezone.now()
    Post.objects.bulk_create(
        [
            Post(
                topic=topic,
                body=f"批量帖子 {i}",
                status=Post.Status.PUBLISHED,
                published_at=now - timezone.timedelta(minutes=i),
            )
            for i in range(n)
        ]
    )


def test_home_lists_published_posts_newest_first_and_nothing_else(client):
    t = f.topic()
    old = f.published(t, title="旧帖", published_at=timezone.now() - timezone.timedelta(days=1))
    new = f.published(t, title="新帖")
    f.published(t, title="被隐藏", hidden_at=timezone.now())
    Post.objects.create(topic=t, body="待审核", title="待审核帖", status=Post.Status.PENDING)
    Post.objects.create(topic=t, body="已下架", title="下架帖", status=Post.Status.TAKEN_DOWN)
    html = client.get("/").content.decode()
    assert html.index(new.title) < html.index(old.title)
    for hidden in ("被隐藏", "待审核帖", "下架帖"):
        assert hidden not in html


def test_topic_tag_and_search_pages(client):
    t1, t2 = f.topic(), f.topic()
    from whitewall.wall.models import Tag

    tag = Tag.objects.create(name="食堂")
    a = f.published(t1, title="图书馆延长开放", tags=[tag])
    b = f.published(t2, title="操场新跑道")
    page = client.get(reverse("wall_topic", args=[t1.slug])).content.decode()
    assert a.title in page and b.title not in page
    page = client.get(reverse("wall_tag", args=[tag.name])).content.decode()
    assert a.title in page and b.title not in page
    page = client.get(reverse("wall_search"), {"q": "跑道"}).content.decode()
    assert b.title in page and a.title not in page
    assert client.get(reverse("wall_topic", args=["nope"])).status_code == 404
    assert client.get("/?page=abc").status_code == 200


def test_anonymous_home_is_served_from_cache_without_anyones_csrf_token(client):
    f.published(f.topic(), title="缓存测试")
    first = client.get("/")
    assert "csrfmiddlewaretoken" not in first.content.decode()
    with CaptureQueriesContext(connection) as queries:
        second = client.get("/")
    assert second.content == first.content
    # One cache round trip (a query only with the database cache), no post queries.
    assert not any("wall_post" in q["sql"] for q in queries.captured_queries)
    # The cookie comes on demand (the static JS asks when the visitor has none).
    response = client.get(reverse("wall_csrf"))
    assert response.status_code == 204 and "whitewall_csrf" in response.cookies


@pytest.mark.django_db(transaction=True)
def test_a_taken_down_post_never_shows_from_cache(client):
    t = f.topic()
    post = f.published(t, title="即将下架的帖子")
    assert post.title in client.get("/").content.decode()
    assert post.title in client.get("/").content.decode()  # now cached
    # Any path that takes the post down saves it; the save bumps the wall version.
    post.status = Post.Status.TAKEN_DOWN
    post.taken_down_at = timezone.now()
    post.save()
    assert post.title not in client.get("/").content.decode()
    assert post.title not in client.get(reverse("wall_topic", args=[t.slug])).content.decode()
    assert client.get(reverse("wall_post", args=[post.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_publishing_and_hiding_invalidate_the_cached_home(client):
    t = f.topic()
    client.get("/")
    post = Post.objects.create(topic=t, body="刚发布", title="刚发布的帖子", status=Post.Status.SCHEDULED)
    assert post.title not in client.get("/").content.decode()
    post.status = Post.Status.PUBLISHED
    post.published_at = timezone.now()
    post.save()
    assert post.title in client.get("/").content.decode()
    Post.objects.filter(pk=post.pk).update(hidden_at=timezone.now())
    bump_wall_version()  # what the report service does on commit
    assert post.title not in client.get("/").content.decode()


def _page_queries(queries) -> list[str]:
    """The queries a page made itself (not the database cache's, which Redis replaces, nor the
    savepoints its writes take inside the test's transaction)."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if "whitewall_cache" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]


@pytest.mark.parametrize("posts", [10, 1000])
def test_home_query_count_is_constant(client, posts):
    t = f.topic()
    _bulk_published(posts, t)
    cache.clear()
    # Anonymous, cache miss: the page's own queries are few and do not grow with the posts.
    with CaptureQueriesContext(connection) as miss:
        assert client.get("/").status_code == 200
    assert len(_page_queries(miss)) <= 8, _page_queries(miss)
    # Cache hit: one cache round trip, nothing else.
    assert_query_baseline("wall.public.home_anonymous", lambda: client.get("/"))
    with CaptureQueriesContext(connection) as hit:
        client.get("/")
    assert len(hit) <= 2 and not _page_queries(hit)
    login(client, f.wall_user())
    client.get("/me/")  # the session's first write after login is not the home page's doing
    cache.clear()
    with CaptureQueriesContext(connection) as miss:
        assert client.get("/").status_code == 200
    assert len(_page_queries(miss)) <= 8, _page_queries(miss)
    with CaptureQueriesContext(connection) as hit:
        assert client.get("/").status_code == 200
    assert len(hit) <= 8, [q["sql"][:120] for q in hit]
    assert_query_baseline("wall.public.home_signed_in", lambda: client.get("/"))
    assert_query_baseline(
        "wall.public.topic_signed_in", lambda: client.get(reverse("wall_topic", args=[t.slug]))
    )


@pytest.mark.parametrize("posts", [10, 1000])
def test_post_page_query_count_is_constant(client, posts):
    t = f.topic()
    _bulk_published(posts, t)
    from whitewall.wall.models import Tag

    post = f.published(t, tags=[Tag.objects.create(name=f"标签{posts}")], author=f.wall_user())
    for _ in range(3):
        f.comment(post, author=f.wall_user())
    with CaptureQueriesContext(connection) as miss:
        assert client.get(reverse("wall_post", args=[post.pk])).status_code == 200
    assert len(_page_queries(miss)) <= 8, _page_queries(miss)
    # Then from the cache: one round trip.
    assert_query_baseline(
        "wall.public.post_page_anonymous", lambda: client.get(reverse("wall_post", args=[post.pk]))
    )
    # Signed in: the first reader renders the shared fragments (and stores them in the cache)...
    login(client, f.wall_user())
    client.get("/me/")
    with CaptureQueriesContext(connection) as miss:
        response = client.get(reverse("wall_post", args=[post.pk]))
    assert response.status_code == 200 and len(_page_queries(miss)) <= 8, _page_queries(miss)
    assert response.content.decode().count('data-testid="comment"') == 3
    # ...then every signed-in reader gets them from there: no images, tags or comment list read.
    with CaptureQueriesContext(connection) as hit:
        response = client.get(reverse("wall_post", args=[post.pk]))
    assert response.status_code == 200 and len(hit) <= 8, [q["sql"][:120] for q in hit]
    assert not [q for q in _page_queries(hit) if "wall_postimage" in q or "wall_tag" in q], _page_queries(hit)
    assert len(_page_queries(hit)) < len(_page_queries(miss))
    html = response.content.decode()
    assert html.count('data-testid="comment"') == 3 and f"标签{posts}" in html
    assert 'action="/accounts/logout/"' in html and 'name="csrfmiddlewaretoken"' in html
    assert_query_baseline("wall.public.post_page", lambda: client.get(reverse("wall_post", args=[post.pk])))


def test_signed_in_post_page_never_shows_a_stale_comment_list_or_a_post_taken_down(
    client, django_capture_on_commit_callbacks
):
    from whitewall.wall.services.review import submitter_key_for

    post = f.published(title="片段缓存的帖子")
    first = f.comment(post, body="第一条评论")
    reader, other = f.wall_user(), f.wall_user()
    url = reverse("wall_post", args=[post.pk])

    def page(user) -> str:
        login(client, user)
        response = client.get(url)
        assert response.status_code == 200
        return response.content.decode()

    def comments(html: str) -> int:
        return html.count('data-testid="comment"')

    assert "第一条评论" in page(reader) and "第一条评论" in page(reader)  # the second from the fragments
    with django_capture_on_commit_callbacks(execute=True):
        f.comment(post, body="第二条评论")
    assert "第二条评论" in page(reader) and comments(page(other)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        first.status = Comment.Status.TAKEN_DOWN
        first.save()
    assert "第一条评论" not in page(reader) and comments(page(other)) == 1
    # The reader's own comment waiting for review: shown to them only, in its place.
    with django_capture_on_commit_callbacks(execute=True):
        f.comment(
            post, body="我的待审评论", status=Comment.Status.PENDING, submitter_key=submitter_key_for(reader)
        )
    mine = page(reader)
    assert "我的待审评论" in mine and 'data-testid="comment-pending"' in mine
    assert mine.index("第二条评论") < mine.index("我的待审评论")
    assert "我的待审评论" not in page(other)
    # A post that leaves the wall is a 404 at once, whatever the cache holds.
    page(other)
    Post.objects.filter(pk=post.pk).update(hidden_at=timezone.now())  # no version bump at all
    assert client.get(url).status_code == 404
    Post.objects.filter(pk=post.pk).update(hidden_at=None)
    assert page(other)
    with django_capture_on_commit_callbacks(execute=True):
        post.status = Post.Status.TAKEN_DOWN
        post.save()
    assert client.get(url).status_code == 404


def test_withdrawing_a_published_comment_empties_the_cached_post_page(
    client, django_capture_on_commit_callbacks
):
    post = f.published()
    user = f.wall_user()
    from whitewall.wall.services.review import submitter_key_for

    comment = f.comment(post, body="将被撤回的评论", author=user, submitter_key=submitter_key_for(user))
    url = reverse("wall_post", args=[post.pk])
    assert "将被撤回的评论" in client.get(url).content.decode()
    assert "将被撤回的评论" in client.get(url).content.decode()  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        post_services.comment_withdraw(actor=f.visitor(user), comment=comment)
    assert "将被撤回的评论" not in client.get(url).content.decode()


def test_post_page_counts_views_through_the_beacon_once_per_visitor(client):
    post = f.published()
    url = reverse("wall_post_seen", args=[post.pk])
    assert client.get(reverse("wall_post", args=[post.pk])).status_code == 200
    first = client.post(url)
    assert first.status_code == 200 and first.json() == {"views": 1, "likes": 0}
    assert first["Cache-Control"] == "no-store"
    Post.objects.filter(pk=post.pk).update(like_count=4)  # liked meanwhile by others
    assert client.post(url).json() == {"views": 1, "likes": 4}  # not counted twice; current likes
    post.refresh_from_db()
    assert post.view_count == 1
    assert PostViewDay.objects.get(post=post).views == 1
    hidden = f.published(hidden_at=timezone.now())
    assert client.post(reverse("wall_post_seen", args=[hidden.pk])).status_code == 404


def test_like_by_guest_cookie_and_by_user(client):
    post = f.published()
    url = reverse("wall_post_like", args=[post.pk])
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'aria-pressed="true"' in response.content.decode()
    assert "ww_guest" in response.cookies
    client.post(url, HTTP_HX_REQUEST="true")  # same guest: takes the like back
    post.refresh_from_db()
    assert post.like_count == 0
    login(client, f.wall_user())
    client.post(url)
    assert PostLike.objects.filter(post=post, user__isnull=False).count() == 1


def test_pending_comments_show_to_their_author_only(client):
    post = f.published()
    author, other = f.wall_user(), f.wall_user()
    key = post_services.Visitor(user=author).key
    Comment.objects.create(
        post=post, body="等待审核的评论", status=Comment.Status.PENDING, submitter_key=key, author=author
    )
    f.comment(post, body="公开的评论")
    login(client, author)
    page = client.get(reverse("wall_post", args=[post.pk])).content.decode()
    assert "等待审核的评论" in page and "公开的评论" in page
    login(client, other)
    page = client.get(reverse("wall_post", args=[post.pk])).content.decode()
    assert "等待审核的评论" not in page and "公开的评论" in page


def test_comment_form_errors_name_the_field(client):
    post = f.published()
    login(client, f.wall_user())
    response = client.post(reverse("wall_comment_add", args=[post.pk]), {"body": ""})
    assert response.status_code == 422 and 'data-field="body"' in response.content.decode()
    response = client.post(reverse("wall_comment_add", args=[post.pk]), {"body": "好帖"})
    assert response.status_code == 302
    assert Comment.objects.filter(post=post, body="好帖", status="published").exists()


def test_guests_are_sent_to_log_in_to_submit_unless_the_policy_allows(client):
    assert client.get(reverse("wall_submit")).status_code == 302
    with f.policy_with(guest_submissions=True):
        assert client.get(reverse("wall_submit")).status_code == 200
        response = client.post(reverse("wall_submit"), {"topic": f.topic().pk, "body": "游客的投稿"})
        assert response.status_code == 302
        mine = client.get(reverse("my_submissions")).content.decode()
    assert "游客的投稿" in mine


def test_submit_view_refuses_honeypot_fake_images_and_rate_limited_users(client):
    user = f.wall_user()
    login(client, user)
    t = f.topic()
    response = client.post(
        reverse("wall_submit"), {"topic": t.pk, "body": "机器人", "website": "http://spam"}
    )
    assert response.status_code == 400
    response = client.post(
        reverse("wall_submit"),
        {"topic": t.pk, "body": "假图", "images": [f.upload("a.jpg", b"GIF89a not really")]},
    )
    assert response.status_code == 422 and 'data-field="images"' in response.content.decode()
    with f.policy_with(submissions_per_hour_user=1):
        assert client.post(reverse("wall_submit"), {"topic": t.pk, "body": "第一条"}).status_code == 302
        response = client.post(reverse("wall_submit"), {"topic": t.pk, "body": "第二条"})
    assert (
        response.status_code == 429
        and "limit" in response.content.decode().lower()
        or "上限" in response.content.decode()
    )
    assert list(Post.objects.values_list("body", flat=True)) == ["第一条"]


def test_my_submissions_status_reason_withdraw_and_takedown(client):
    user = f.wall_user()
    login(client, user)
    key = post_services.Visitor(user=user).key
    t = f.topic()
    pending = Post.objects.create(
        topic=t, body="待审", status=Post.Status.PENDING, submitter_key=key, submitted_at=timezone.now()
    )
    Post.objects.create(
        topic=t,
        body="被拒",
        status=Post.Status.REJECTED,
        submitter_key=key,
        reject_reason="advertising",
        reject_note="含有广告链接",
        submitted_at=timezone.now(),
    )
    published = f.published(
        t, body="已发布", submitter_key=key, submitted_at=timezone.now(), is_anonymous=True
    )
    Post.objects.create(topic=t, body="别人的", status=Post.Status.PENDING, submitter_key="other")
    page = client.get(reverse("my_submissions")).content.decode()
    assert "含有广告链接" in page and "别人的" not in page and "已发布" in page
    client.post(reverse("my_submission_withdraw", args=[pending.pk]))
    pending.refresh_from_db()
    assert pending.status == Post.Status.WITHDRAWN
    client.post(reverse("my_submission_takedown", args=[published.pk]), {"reason": "我改主意了"})
    published.refresh_from_db()
    assert published.takedown_request_reason == "我改主意了"
    other = Post.objects.get(body="别人的")
    assert client.post(reverse("my_submission_withdraw", args=[other.pk])).status_code == 404


def test_feedback_reply_is_shown_on_the_users_pages(client):
    user = f.wall_user()
    login(client, user)
    response = client.post(
        reverse("my_feedback"), {"kind": "complaint", "subject": "审核太慢", "body": "三天没审"}
    )
    assert response.status_code == 302
    item = Feedback.objects.get(user=user)
    item.reply = "已加派审核人员"
    item.replied_at = timezone.now()
    item.status = Feedback.Status.ANSWERED
    item.save()
    assert "已加派审核人员" in client.get(reverse("my_feedback")).content.decode()
    assert "已加派审核人员" in client.get(reverse("my_page")).content.decode()
    response = client.post(reverse("my_feedback"), {"kind": "feedback", "subject": "", "body": "x"})
    assert response.status_code == 422 and 'data-field="subject"' in response.content.decode()


def test_report_page_for_users_and_hides_at_threshold(client):
    post = f.published()
    url = reverse("wall_post_report", args=[post.pk])
    login(client, f.wall_user())
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="guest-report-note"' not in page.content.decode()
    with f.policy_with(report_hide_threshold=1.0):
        assert client.post(url, {"reason": "spam"}).status_code == 302
    post.refresh_from_db()
    assert post.hidden_at is not None
    assert client.get(reverse("wall_post", args=[post.pk])).status_code == 404


def test_a_guest_reports_in_the_browser_form_once(client):
    from whitewall.wall.models import Report
    from whitewall.wall.visitor import GUEST_COOKIE

    client.cookies["whitewall_language"] = "en"
    post = f.published()
    url = reverse("wall_post_report", args=[post.pk])
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and 'data-testid="guest-report-note"' in body
    assert 'class="ww-hp"' in body and 'name="website"' in body  # the honeypot, hidden by the stylesheet
    response = client.post(url, {"reason": "harassment", "detail": "骂人"}, REMOTE_ADDR="10.8.0.1")
    assert response.status_code == 302 and GUEST_COOKIE in response.cookies
    report = Report.objects.get(post=post)
    assert report.by_guest and report.reporter is None and report.weight < 1
    again = client.post(url, {"reason": "spam"}, REMOTE_ADDR="10.8.0.1")  # the same guest cookie
    assert again.status_code == 422 and "already reported" in again.content.decode()
    assert Report.objects.filter(post=post).count() == 1


def test_guest_report_honeypot_rate_limit_and_policy_off(client):
    from whitewall.wall.models import Report

    client.cookies["whitewall_language"] = "en"
    post = f.published()
    url = reverse("wall_post_report", args=[post.pk])
    bot = client.post(url, {"reason": "spam", "website": "http://spam.example"}, REMOTE_ADDR="10.8.1.1")
    assert bot.status_code == 400 and not Report.objects.exists()
    with f.policy_with(reports_per_day_guest=1, reports_per_day_ip=1):
        assert client.post(url, {"reason": "spam"}, REMOTE_ADDR="10.8.1.1").status_code == 302
        other = f.published()
        limited = client.post(
            reverse("wall_post_report", args=[other.pk]), {"reason": "spam"}, REMOTE_ADDR="10.8.1.1"
        )
        assert limited.status_code == 429 and "allowed today (1)" in limited.content.decode()
    with f.policy_with(guest_reports=False):
        assert client.get(url).status_code == 302  # to the login page
        refused = client.post(url, {"reason": "spam"}, REMOTE_ADDR="10.8.2.1")
        assert refused.status_code == 403
        assert "turned off on this wall. Log in to report content." in refused.content.decode()
    assert Report.objects.count() == 1


def test_images_are_served_only_when_the_post_is_public(client):
    user = f.wall_user()
    post = post_services.post_submit(
        actor=post_services.Visitor(user=user, ip="1.2.3.4"), topic=f.topic(), body="图", images=[f.upload()]
    )
    image = PostImage.objects.get(post=post)
    assert client.get(reverse("wall_image", args=[image.pk])).status_code == 404
    login(client, user)
    response = client.get(reverse("wall_image_thumb", args=[image.pk]))
    assert response.status_code == 200 and response["Cache-Control"].startswith("private")
    client.logout()
    Post.objects.filter(pk=post.pk).update(status=Post.Status.PUBLISHED, published_at=timezone.now())
    response = client.get(reverse("wall_image", args=[image.pk]))
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"


def test_script_in_content_is_escaped(client):
    f.published(title="<script>alert(1)</script>", body="<img src=x onerror=alert(2)>")
    html = client.get("/").content.decode()
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert re.search(r"&lt;script&gt;alert\(1\)", html)


@pytest.mark.django_db(transaction=True)
def test_anonymous_post_page_is_cached_and_invalidated_by_comments_and_take_down(client):
    post = f.published(title="缓存的帖子")
    url = reverse("wall_post", args=[post.pk])
    first = client.get(url)
    assert "csrfmiddlewaretoken" not in first.content.decode()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).content == first.content
    assert not _page_queries(queries)
    user = f.wall_user()
    post_services.comment_submit(actor=f.visitor(user), post=post, body="新的评论马上可见")
    assert "新的评论马上可见" in client.get(url).content.decode()
    post.status = Post.Status.TAKEN_DOWN
    post.save()
    assert client.get(url).status_code == 404


def test_post_body_is_escaped_exactly_once(client):
    post = f.published(body="a < b & 'c'\n第二行")
    html = client.get(reverse("wall_post", args=[post.pk])).content.decode()
    assert "a &lt; b &amp; &#x27;c&#x27;<br>第二行" in html
