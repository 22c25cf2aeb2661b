"""People, topics, posts, comments, reports and feedback for the wall's tests (publishing, plan,
analytics, and content operations: the ``wall`` fixture)."""

from __future__ import annotations

import datetime
import itertools
import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from whitewall.accounts.models import User
from whitewall.config.policy import Policy
from whitewall.core.encryption import blind_index
from whitewall.wall.models import Post, Topic

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_user(username, *, roles=(), staff=True) -> User:
    user = User.objects.create_user(
        username=username, email=f"{username}@example.com", is_staff=staff, full_name=username.title()
    )
    for role in roles:
        user.groups.add(Group.objects.get(name=role))
    return user


def local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def future_day(days: int = 10) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def topic(db):
    return Topic.objects.create(name="校园生活", slug="campus-life")


@pytest.fixture
def make_post(topic):
    def make(status=Post.Status.APPROVED, **fields):
        fields.setdefault("body", f"测试内容 {next(_numbers)}")
        fields.setdefault("topic", topic)
        return Post.objects.create(status=status, **fields)

    return make


@pytest.fixture
def wall_policy(monkeypatch):
    """Override keys of the [wall] policy section for one test."""

    def apply(**wall):
        policy = Policy.model_validate({"wall": wall})
        from whitewall.config import policy as policy_module

        monkeypatch.setattr(policy_module, "get_policy", lambda: policy)
        from whitewall.wall import slots

        monkeypatch.setattr(slots, "get_policy", lambda: policy)
        from whitewall.wall import calendar, checks_plan

        monkeypatch.setattr(checks_plan, "get_policy", lambda: policy)
        monkeypatch.setattr(calendar, "get_policy", lambda: policy)
        return policy

    return apply


# --- content operations ------------------------------------------------------------------------
def make_staff(username, *roles) -> User:
    user = User.objects.create_user(
        username=username, email=f"{username}@example.com", is_staff=True, full_name=username.title()
    )
    for role in roles:
        user.groups.add(Group.objects.get(name=role))
    return user


class Wall:
    def __init__(self):
        from whitewall.wall.models import Topic

        self.reviewer = make_staff("reviewer1", "content_reviewer")
        self.reviewer2 = make_staff("reviewer2", "content_reviewer")
        self.manager = make_staff("opsmanager", "operations_manager")
        self.operator = make_staff("operator1", "operator")
        self.outsider = make_staff("marketer", "marketing")
        self.author = User.objects.create_user(
            username="author", email="author@example.com", full_name="作者"
        )
        self.reporter = User.objects.create_user(username="reporter", email="reporter@example.com")
        self.topic = Topic.objects.create(name="校园生活", slug="campus-life")
        self.safety = Topic.objects.create(name="校园安全", slug="campus-safety")

    def post(
        self,
        *,
        status="pending",
        topic=None,
        body="图书馆三楼新开了自习区。",
        anonymous=False,
        hours=1,
        **extra,
    ):
        from whitewall.wall.models import Post

        author = self.author
        return Post.objects.create(
            topic=topic or self.topic,
            title=extra.pop("title", f"帖子 {next(_numbers)}"),
            body=body,
            author=None if anonymous else author,
            is_anonymous=anonymous,
            submitter_key=blind_index(f"user:{author.pk}"),
            submitter_identity=json.dumps({"user_id": author.pk}),
            status=status,
            submitted_at=timezone.now() - datetime.timedelta(hours=hours),
            **extra,
        )

    def comment(self, post=None, *, status="pending", body="说得好！", **extra):
        from whitewall.wall.models import Comment

        return Comment.objects.create(
            post=post or self.post(status="published", published_at=timezone.now()),
            body=body,
            author=self.author,
            status=status,
            **extra,
        )

    def report(self, *, post=None, comment=None, reporter=None, weight="1.00", hours=24, **extra):
        from whitewall.wall.models import Report

        reporter = reporter or self.reporter
        return Report.objects.create(
            post=post,
            comment=comment,
            reason=extra.pop("reason", "spam"),
            reporter=reporter,
            reporter_key=blind_index(f"user:{reporter.pk}"),
            weight=Decimal(weight),
            due_at=timezone.now() + datetime.timedelta(hours=hours),
            **extra,
        )

    def feedback(self, *, kind="complaint", hours=48, **extra):
        from whitewall.wall.models import Feedback

        return Feedback.objects.create(
            kind=kind,
            user=self.author,
            subject=extra.pop("subject", "我的投稿被驳回了"),
            body="请说明原因。",
            due_at=timezone.now() + datetime.timedelta(hours=hours),
            **extra,
        )


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def wall(db):
    return Wall()
