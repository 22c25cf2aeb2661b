"""Services of the public wall: submit, withdraw, take-down request, like, view, comment."""

import io
import json
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from PIL import Image

from whitewall.core.encryption import blind_index
from whitewall.wall import testing as f
from whitewall.wall.models import Comment, Post, PostImage, PostLike, PostViewDay
from whitewall.wall.services import posts as services
from whitewall.wall.services.posts import Screened

pytestmark = pytest.mark.django_db


def test_post_submit_waits_for_review_with_identity_encrypted():
    user = f.wall_user(full_name="张三")
    post = services.post_submit(
        actor=f.visitor(user), topic=f.topic(), body="食堂的饭菜越来越好了", title="表扬"
    )
    post.refresh_from_db()
    assert post.status == Post.Status.PENDING
    assert post.author == user
    assert post.submitter_key == blind_index(f"user:{user.pk}")
    identity = json.loads(post.submitter_identity)
    assert identity["user_id"] == user.pk and identity["ip"] == "10.0.0.1"
    # Stored encrypted: the raw column does not hold the username.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT submitter_identity FROM wall_post WHERE id = %s", [post.pk])
        raw = cursor.fetchone()[0]
    assert user.username not in raw and "10.0.0.1" not in raw


def test_post_submit_anonymous_keeps_no_clear_link_to_the_author():
    user = f.wall_user()
    post = services.post_submit(actor=f.visitor(user), topic=f.topic(), body="匿名说一句", is_anonymous=True)
    assert post.author is None and post.is_anonymous
    assert post.shown_author == "Anonymous"
    assert post.submitter_key == f.visitor(user).key


def test_a_post_always_has_a_byline():
    named = f.wall_user()
    named.first_name, named.last_name = "", ""
    named.save()
    post = services.post_submit(actor=f.visitor(named), topic=f.topic(), body="署名看看")
    assert post.shown_author == named.get_username()  # no full name: the user name
    post.display_name = "北门观察员"
    assert post.shown_author == "北门观察员"
    post.display_name, post.author = "", None
    assert post.shown_author == "Guest"  # a guest who gave no name


def test_post_submit_blocked_words_refuse_the_post():
    with mock.patch.object(services, "screen_text", return_value=Screened("block", "x", [{"word": "x"}])):
        post = services.post_submit(actor=f.visitor(f.wall_user()), topic=f.topic(), body="x")
    assert post.status == Post.Status.REJECTED
    assert post.screening_action == "block" and post.screening_hits


def test_post_submit_review_words_queue_with_the_reason():
    hits = [{"word": "传销", "list": "l", "action": "review", "start": 0, "end": 2}]
    with mock.patch.object(
        services,
        "screen_text",
        side_effect=lambda t: Screened("review" if t else "pass", t, hits if "传销" in t else []),
    ):
        post = services.post_submit(actor=f.visitor(f.wall_user()), topic=f.topic(), body="传销组织")
    assert post.status == Post.Status.PENDING
    assert "传销" in post.queue_reason
    assert post.screening_hits == hits


def test_post_submit_guests_only_when_the_policy_allows():
    guest = f.visitor(token="g" * 32)
    with pytest.raises(PermissionDenied):
        services.post_submit(actor=guest, topic=f.topic(), body="游客投稿")
    with f.policy_with(guest_submissions=True):
        post = services.post_submit(actor=guest, topic=f.topic(), body="游客投稿")
    assert post.submitter_key == blind_index("guest:" + "g" * 32)
    assert post.author is None


def test_post_submit_names_the_field_of_bad_input():
    with pytest.raises(ValidationError) as error:
        services.post_submit(actor=f.visitor(f.wall_user()), topic=f.topic(), body="   ")
    assert "body" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.post_submit(actor=f.visitor(f.wall_user()), topic=None, body="正文")
    assert "topic" in error.value.message_dict


def test_post_submit_rate_limit_per_user_and_per_address():
    user = f.wall_user()
    t = f.topic()
    with f.policy_with(submissions_per_hour_user=2, submissions_per_hour_ip=3):
        for _ in range(2):
            services.post_submit(actor=f.visitor(user), topic=t, body="限流测试")
        with pytest.raises(ValidationError, match="limit"):
            services.post_submit(actor=f.visitor(user), topic=t, body="限流测试")
        services.post_submit(actor=f.visitor(f.wall_user()), topic=t, body="同一地址的另一人")
        with pytest.raises(ValidationError, match="limit"):
            services.post_submit(actor=f.visitor(f.wall_user()), topic=t, body="地址用完了")
        services.post_submit(actor=f.visitor(f.wall_user(), ip="10.0.0.2"), topic=t, body="另一个地址")
    assert Post.objects.count() == 4


def test_post_submit_images_are_reencoded_without_metadata_with_thumbnails():
    raw = f.image_bytes("JPEG", size=(800, 600), exif=True)
    assert Image.open(io.BytesIO(raw)).getexif()  # the upload does carry EXIF
    post = services.post_submit(
        actor=f.visitor(f.wall_user()), topic=f.topic(), body="有图", images=[f.upload("evil.php.jpg", raw)]
    )
    image = PostImage.objects.get(post=post)
    assert image.image.name.startswith("wall/") and "evil" not in image.image.name
    assert image.width == 800 and image.height == 600
    with image.image.open("rb") as fh:
        stored = Image.open(io.BytesIO(fh.read()))
        assert not stored.getexif()
        assert "exif" not in stored.info
    with image.thumbnail.open("rb") as fh:
        assert max(Image.open(io.BytesIO(fh.read())).size) <= 480


def test_post_submit_refuses_fake_and_oversize_images_and_saves_nothing():
    actor = f.visitor(f.wall_user())
    fake = f.upload("cat.jpg", b"<?php echo 1; ?>" * 10, "image/jpeg")
    with pytest.raises(ValidationError) as error:
        services.post_submit(actor=actor, topic=f.topic(), body="假图片", images=[f.upload(), fake])
    assert "not a valid image" in error.value.message_dict["images"][0]
    svg = f.upload("x.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/png")
    with pytest.raises(ValidationError):
        services.post_submit(actor=actor, topic=f.topic(), body="svg", images=[svg])
    with f.policy_with(image_max_mb=1):
        big = f.upload("big.png", f.image_bytes("PNG") + b"\0" * (2**20 + 1), "image/png")
        with pytest.raises(ValidationError) as error:
            services.post_submit(actor=actor, topic=f.topic(), body="大图", images=[big])
    assert "larger than" in error.value.message_dict["images"][0]
    assert not Post.objects.exists() and not PostImage.objects.exists()


def test_post_submit_refuses_more_images_than_the_policy():
    with f.policy_with(max_images=1), pytest.raises(ValidationError) as error:
        services.post_submit(
            actor=f.visitor(f.wall_user()), topic=f.topic(), body="两张", images=[f.upload(), f.upload()]
        )
    assert "images" in error.value.message_dict


def test_post_withdraw_only_own_and_before_publication():
    user = f.wall_user()
    post = services.post_submit(actor=f.visitor(user), topic=f.topic(), body="撤回我")
    with pytest.raises(PermissionDenied):
        services.post_withdraw(actor=f.visitor(f.wall_user()), post=post)
    services.post_withdraw(actor=f.visitor(user), post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.WITHDRAWN
    published = f.published(submitter_key=f.visitor(user).key)
    with pytest.raises(ValidationError):
        services.post_withdraw(actor=f.visitor(user), post=published)


def test_post_request_takedown_records_the_reason_once():
    user = f.wall_user()
    post = f.published(submitter_key=f.visitor(user).key)
    with pytest.raises(ValidationError) as error:
        services.post_request_takedown(actor=f.visitor(user), post=post, reason=" ")
    assert "reason" in error.value.message_dict
    services.post_request_takedown(actor=f.visitor(user), post=post, reason="信息已过时")
    post.refresh_from_db()
    assert post.takedown_requested_at and post.takedown_request_reason == "信息已过时"
    with pytest.raises(ValidationError):
        services.post_request_takedown(actor=f.visitor(user), post=post, reason="再次")
    with pytest.raises(PermissionDenied):
        services.post_request_takedown(actor=f.visitor(f.wall_user()), post=post, reason="不是我的")


def test_post_like_once_per_user_and_per_guest():
    post = f.published()
    user = f.wall_user()
    assert services.post_like(actor=f.visitor(user), post=post) is True
    guest = f.visitor(token="t" * 32)
    assert services.post_like(actor=guest, post=post) is True
    post.refresh_from_db()
    assert post.like_count == 2 and PostLike.objects.count() == 2
    assert services.post_like(actor=f.visitor(user), post=post) is False  # again: takes it back
    post.refresh_from_db()
    assert post.like_count == 1
    with pytest.raises(ValidationError):
        services.post_like(actor=f.visitor(user), post=f.published(hidden_at=post.published_at))


def test_post_view_deduplicated_per_visitor_within_the_window():
    post = f.published()
    assert services.post_view(post_id=post.pk, visitor_key="a") is True
    assert services.post_view(post_id=post.pk, visitor_key="a") is False
    assert services.post_view(post_id=post.pk, visitor_key="b") is True
    post.refresh_from_db()
    assert post.view_count == 2
    day = PostViewDay.objects.get(post=post)
    assert day.views == 2 and day.day == services.view_day()


def test_comment_submit_is_screened_like_posts():
    post = f.published()
    user = f.wall_user()
    clean = services.comment_submit(actor=f.visitor(user), post=post, body="说得好")
    assert clean.status == Comment.Status.PUBLISHED
    with mock.patch.object(
        services, "screen_text", return_value=Screened("review", "可疑", [{"word": "可疑"}])
    ):
        held = services.comment_submit(actor=f.visitor(user), post=post, body="可疑")
    assert held.status == Comment.Status.PENDING and held.queue_reason
    with mock.patch.object(
        services, "screen_text", return_value=Screened("block", "违禁", [{"word": "违禁"}])
    ):
        refused = services.comment_submit(actor=f.visitor(user), post=post, body="违禁")
    assert refused.status == Comment.Status.REJECTED
    post.refresh_from_db()
    assert post.comment_count == 1
    with pytest.raises(PermissionDenied):
        services.comment_submit(actor=f.visitor(token="x" * 32), post=post, body="游客评论")
