"""People, topics and posts for the wall's publishing, plan and analytics tests."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from whitewall.accounts.models import User
from whitewall.config.policy import Policy
from whitewall.wall.models import Post, Topic

_numbers = itertools.count(1)


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
