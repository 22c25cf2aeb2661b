"""The plan's API (batteries for plan items and staff posts, move and schedule actions) and the
calendar part of check 2.3.2."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from whitewall.accounts.models import User
from whitewall.core.testing import APITestCases, login
from whitewall.regulation.checks import Status
from whitewall.wall.checks_plan import calendar_status
from whitewall.wall.models import PlanItem, Post, StaffPost, Topic


def local(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def ahead(days):
    return timezone.localdate() + datetime.timedelta(days=days)


class PlanItemAPITests(APITestCases.APIViewTestCase):
    model = PlanItem
    invalid_field = "slot"

    def make_objects(self):
        self.topic = Topic.objects.create(name="活动预告", slug="events")
        return [
            PlanItem.objects.create(
                title=f"活动 {i}", topic=self.topic, owner=self.user, slot=local(ahead(i + 2), 10)
            )
            for i in range(3)
        ]

    @property
    def create_data(self):
        return {
            "title": "毕业季专题",
            "topic": self.topic.pk,
            "owner": self.user.pk,
            "slot": local(ahead(6), 9).isoformat(),
        }

    @property
    def update_data(self):
        return {"title": "毕业季专题（改）"}

    @property
    def invalid_data(self):
        return {**self.create_data, "slot": local(ahead(6), 23).isoformat()}


class StaffPostAPITests(APITestCases.APIViewTestCase):
    model = StaffPost
    invalid_field = "body_html"

    def make_objects(self):
        self.topic = Topic.objects.create(name="官方公告", slug="notices")
        return [
            StaffPost.objects.create(
                title=f"公告 {i}", body="x", body_html="<p>x</p>", topic=self.topic, status=Post.Status.DRAFT
            )
            for i in range(3)
        ]

    @property
    def create_data(self):
        return {
            "title": "停水通知",
            "topic": self.topic.pk,
            "body_html": "<p>周六停水<script>alert(1)</script></p>",
        }

    @property
    def update_data(self):
        return {"title": "停水通知（更新）"}

    @property
    def invalid_data(self):
        return {**self.create_data, "body_html": "<script>alert(1)</script>"}


pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(db):
    user = User.objects.create_user(username="op", email="op@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="operator"))
    return user


def test_api_create_sanitises_and_move_follows_the_rules(client, operator):
    topic = Topic.objects.create(name="t", slug="t")
    login(client, operator)
    created = client.post(
        "/api/v1/wall/staff-posts/",
        {"title": "x", "topic": topic.pk, "body_html": "<p>a<img src=x onerror=alert(1)></p>"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["body_html"] == "<p>a</p>"
    item = PlanItem.objects.create(title="i", topic=topic, owner=operator, slot=local(ahead(2), 10))
    moved = client.post(
        f"/api/v1/wall/plan-items/{item.pk}/move/",
        {"when": local(ahead(3), 11).isoformat()},
        content_type="application/json",
    )
    assert moved.status_code == 200, moved.content
    bad = client.post(
        f"/api/v1/wall/plan-items/{item.pk}/move/",
        {"when": local(ahead(3), 5).isoformat()},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "slot" in bad.json()["errors"]


def test_api_schedule_action(client, operator):
    topic = Topic.objects.create(name="t", slug="t")
    post = Post.objects.create(topic=topic, body="b", status=Post.Status.APPROVED)
    login(client, operator)
    assert client.get("/api/v1/wall/schedule/").json()["results"][0]["id"] == post.pk
    response = client.post(
        f"/api/v1/wall/schedule/{post.pk}/schedule/",
        {"when": local(ahead(2), 9).isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "scheduled"


def test_calendar_status_green_amber_red(wall_policy, operator):
    wall_policy(plan_horizon_days=4, plan_min_items_per_day=1)
    topic = Topic.objects.create(name="t", slug="t")
    result = calendar_status()
    assert result.status == Status.RED and "4 of the next 4 days" in result.explanation
    assert result.evidence_url == "/console/wall/plan/"
    for days in (0, 1, 2):
        PlanItem.objects.create(title="i", topic=topic, owner=operator, slot=local(ahead(days), 21))
    assert calendar_status().status == Status.AMBER
    Post.objects.create(topic=topic, body="b", status=Post.Status.SCHEDULED, scheduled_for=local(ahead(3), 9))
    result = calendar_status()
    assert result.status == Status.GREEN and result.figures["filled_days"] == 4
