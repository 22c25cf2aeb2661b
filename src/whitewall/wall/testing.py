"""Test helpers for the public wall: small factories and a policy override."""

from __future__ import annotations

import io
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from whitewall.accounts.models import User
from whitewall.wall.models import Comment, Post, Tag, Topic
from whitewall.wall.visitor import Visitor

_seq = itertools.count(1)


def topic(**kw) -> Topic:
    n = next(_seq)
    return Topic.objects.create(**{"name": f"话题{n}", "slug": f"topic-{n}", **kw})


def wall_user(**kw) -> User:
    n = next(_seq)
    return User.objects.create_user(username=kw.pop("username", f"wall{n}"), password="pw-test-123456", **kw)


def visitor(user=None, *, token: str = "", ip: str = "10.0.0.1") -> Visitor:
    return Visitor(user=user, guest_token=token, ip=ip, user_agent="pytest")


def published(t: Topic | None = None, *, tags: list[Tag] | None = None, **kw) -> Post:
    post = Post.objects.create(
        **{
            "topic": t or topic(),
            "body": kw.pop("body", f"一条已发布的帖子 {next(_seq)}"),
            "status": Post.Status.PUBLISHED,
            "published_at": kw.pop("published_at", timezone.now()),
            **kw,
        }
    )
    if tags:
        post.tags.set(tags)
    return post


def comment(post: Post, **kw) -> Comment:
    return Comment.objects.create(
        **{
            "post": post,
            "body": "评论",
            "status": Comment.Status.PUBLISHED,
            "published_at": timezone.now(),
            **kw,
        }
    )


def image_bytes(fmt: str = "JPEG", size=(64, 48), exif: bool = False) -> bytes:
    img = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "EvilCam<script>alert(1)</script>"  # Make
        data[0x8825] = {2: (31.0, 14.0, 0.0)}  # GPS
        kwargs["exif"] = data.tobytes()
    img.save(out, fmt, **kwargs)
    return out.getvalue()


def upload(name: str = "photo.jpg", content: bytes | None = None, content_type: str = "image/jpeg"):
    return SimpleUploadedFile(
        name, content if content is not None else image_bytes(), content_type=content_type
    )


def policy_with(**wall):
    """Patch the wall policy everywhere the wall reads it (a context manager)."""
    from contextlib import ExitStack
    from unittest import mock

    from whitewall.config.policy import get_policy

    base = get_policy()
    changed = base.model_copy(update={"wall": base.wall.model_copy(update=wall)})
    stack = ExitStack()
    for module in (
        "whitewall.wall.services.posts",
        "whitewall.wall.services.reports",
        "whitewall.wall.services.feedback",
        "whitewall.wall.views",
    ):
        stack.enter_context(mock.patch(f"{module}.get_policy", return_value=changed))
    return stack
