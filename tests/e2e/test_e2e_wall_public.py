"""The public wall in a browser: a visitor submits a post end to end, and scripts sent in posts,
comments, names and image metadata never run."""

from __future__ import annotations

import io
import re

import pytest

from ._support import CHROMIUM, goto, path_of, screenshot, submit_login

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is not installed; the browser suite needs Debian's chromium", allow_module_level=True
    )

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PAYLOADS = [
    "<script>window.__xss=(window.__xss||0)+1;alert('xss-script')</script>",
    "<img src=x onerror=\"window.__xss=(window.__xss||0)+1;alert('xss-img')\">",
    "\"><svg onload=alert('xss-svg')>",
    "<a href=\"javascript:alert('xss-link')\">点我</a>",
    "{{7*7}} ${alert('xss-template')}",
]


def _publish_pending(**which):
    """What review and the publishing job do (their own suites cover them): publish this test's
    pending submissions (only those: the demo's own pending ones must not jump ahead of them)."""
    from django.utils import timezone

    from whitewall.wall.models import Post

    for post in Post.objects.filter(
        source=Post.Source.SUBMISSION, status=Post.Status.PENDING, **which
    ).order_by("pk"):
        post.status = Post.Status.PUBLISHED
        post.published_at = timezone.now()
        post.save()


def _image_with_metadata(text: str) -> bytes:
    from PIL import Image

    image = Image.new("RGB", (320, 200), (40, 120, 200))
    exif = Image.Exif()
    exif[0x010E] = text  # ImageDescription
    exif[0x010F] = text  # Make
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def _log_in_visitor(open_page, base_url, password):
    page, watch = open_page()
    submit_login(page, base_url, "visitor", password)
    return page, watch


def test_visitor_submits_a_post_and_it_appears_on_the_wall(open_page, base_url, demo):
    page, watch = _log_in_visitor(open_page, base_url, demo)
    goto(page, base_url, "/submit/")
    form = page.locator('[data-testid="submit-form"]')
    form.locator("select[name=topic]").select_option(label="校园安全")
    form.locator("input[name=title]").fill("北门路口需要红绿灯")
    form.locator("textarea[name=body]").fill("北门外的路口早晚高峰很乱，建议加装红绿灯。")
    form.locator("input[name=images]").set_input_files(
        [{"name": "road.jpg", "mimeType": "image/jpeg", "buffer": _image_with_metadata("GPS 31.2,121.4")}]
    )
    screenshot(page, "visitor", "wall-submit")
    form.locator('[data-testid="submit-button"]').click()
    page.wait_for_load_state("load")
    assert path_of(page.url) == "/me/submissions/"
    card = page.locator('[data-testid="submission"]').first
    assert "北门路口需要红绿灯" in card.inner_text()
    assert card.locator('[data-testid="submission-status"]').get_attribute("data-status") == "pending"
    screenshot(page, "visitor", "wall-my-submissions")
    watch.assert_clean("submitting a post")

    _publish_pending(title="北门路口需要红绿灯")
    guest, guest_watch = open_page(width=390, height=844)  # a phone, not logged in
    goto(guest, base_url, "/")
    first = guest.locator('[data-testid="post-card"]').first
    assert "北门路口需要红绿灯" in first.inner_text()
    assert guest.locator(".ww-thumbs img").first.evaluate("img => img.naturalWidth") > 0
    screenshot(guest, "guest", "wall-home-phone")
    first.locator("a.stretched-link").click()
    guest.wait_for_load_state("load")
    assert re.match(r"^/p/\d+/$", path_of(guest.url))
    # The like button works for a guest (signed cookie), through htmx, with the CSRF cookie.
    guest.locator('[data-testid="like-button"]').click()
    guest.wait_for_selector('[data-testid="like-button"][aria-pressed="true"]')
    assert guest.locator('[data-testid="like-count"]').inner_text().strip() == "1"
    assert "/p/" in guest.locator('[data-testid="share-url"]').input_value()
    screenshot(guest, "guest", "wall-post")
    guest_watch.assert_clean("reading and liking the post")

    from whitewall.wall.models import Post

    post = Post.objects.get(title="北门路口需要红绿灯")
    assert post.like_count == 1 and post.view_count >= 1


def test_scripts_in_posts_comments_names_and_image_metadata_never_run(open_page, base_url, demo):
    page, watch = _log_in_visitor(open_page, base_url, demo)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for index, payload in enumerate(PAYLOADS):
        goto(page, base_url, "/submit/")
        form = page.locator('[data-testid="submit-form"]')
        form.locator("select[name=topic]").select_option(index=index % 3)
        form.locator("input[name=title]").fill(f"XSS {index} {payload}"[:120])
        form.locator("textarea[name=body]").fill(f"正文 {payload}")
        form.locator("input[name=display_name]").fill(payload[:60])
        if index == 0:
            form.locator("input[name=images]").set_input_files(
                [
                    {
                        "name": "<img src=x onerror=alert(1)>.jpg",
                        "mimeType": "image/jpeg",
                        "buffer": _image_with_metadata(payload),
                    }
                ]
            )
        form.locator('[data-testid="submit-button"]').click()
        page.wait_for_load_state("load")
        assert path_of(page.url) == "/me/submissions/", f"payload {index} was not accepted"
    _publish_pending(title__startswith="XSS ")

    from whitewall.wall.models import Post

    posts = list(Post.objects.filter(title__startswith="XSS ").order_by("pk"))
    assert len(posts) == len(PAYLOADS)
    goto(page, base_url, "/")
    for index, post in enumerate(posts):
        goto(page, base_url, f"/p/{post.pk}/")
        comment = page.locator('[data-testid="comment-form"]')
        comment.locator("textarea[name=body]").fill(f"评论 {PAYLOADS[index]}")
        comment.locator("button[type=submit]").click()
        page.wait_for_load_state("load")
        body = page.locator('[data-testid="post-body"]').inner_text()
        assert PAYLOADS[index].split(">")[0] in body  # shown as text, not markup
        assert PAYLOADS[index][:20] in page.locator('[data-testid="comments"]').inner_text()
    goto(page, base_url, "/")
    goto(page, base_url, "/search/?q=XSS")
    goto(page, base_url, "/me/submissions/")
    screenshot(page, "visitor", "wall-xss")
    assert dialogs == [], f"a script ran: {dialogs}"
    assert page.evaluate("window.__xss") is None
    # No inline script was even attempted: a strict CSP would have reported a violation.
    watch.assert_clean("pages with script payloads")
    # The image's metadata did not survive: the stored file has no EXIF.
    from PIL import Image

    stored = posts[0].images.get()
    with stored.image.open("rb") as handle:
        assert not Image.open(io.BytesIO(handle.read())).getexif()


def test_signed_in_reader_reads_likes_and_comments_on_a_post_page(open_page, base_url, demo):
    """The signed-in post page is built around cached fragments: it still shows the reader's own
    state (like, their comment waiting for review) and its forms carry a working CSRF token."""
    from whitewall.wall.models import Comment, Post
    from whitewall.wall.testing import comment, published, wall_user

    post = published(title="图书馆自习室延长开放", body="期末周希望自习室开到十二点。")
    comment(post, body="支持，期末太需要了。", author=wall_user(full_name="李同学"))
    page, watch = _log_in_visitor(open_page, base_url, demo)
    url = f"/p/{post.pk}/"
    goto(page, base_url, url)
    goto(page, base_url, url)  # the second time from the shared fragments
    assert "期末周希望自习室开到十二点" in page.locator('[data-testid="post-body"]').inner_text()
    assert page.locator('[data-testid="comment"]').count() == 1
    page.locator('[data-testid="like-button"]').click()
    page.wait_for_selector('[data-testid="like-button"][aria-pressed="true"]')
    form = page.locator('[data-testid="comment-form"]')
    form.locator("textarea[name=body]").fill("我也同意，周末也开吧。")
    form.locator('button[type="submit"]').click()
    page.wait_for_load_state("load")
    assert path_of(page.url) == url
    texts = page.locator('[data-testid="comment"]').all_inner_texts()
    assert len(texts) == 2 and "我也同意，周末也开吧。" in texts[1]
    mine = Comment.objects.get(body="我也同意，周末也开吧。")
    if mine.status == Comment.Status.PENDING:  # only the reader sees it, marked
        assert page.locator('[data-testid="comment-pending"]').count() == 1
    assert Post.objects.get(pk=post.pk).like_count == 1
    screenshot(page, "visitor", "wall-post-signed-in")
    from .test_e2e_language import switch_language

    switch_language(page, "en")
    assert page.locator('[data-testid="comment"]').count() == 2
    screenshot(page, "visitor", "wall-post-signed-in-en")
    switch_language(page, "zh-hans")
    watch.assert_clean("reading, liking and commenting on a post signed in")
