"""The publishing plan in the console: view batteries, the calendar, moving, staff posts."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from whitewall.accounts.models import User
from whitewall.approvals.models import ApprovalRequest, RequestStatus
from whitewall.approvals.services import approval_decide
from whitewall.core.testing import ViewTestCases, login
from whitewall.wall.models import PlanItem, Post, StaffPost, Topic


def local(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def ahead(days):
    return timezone.localdate() + datetime.timedelta(days=days)


class PlanItemViewTests(ViewTestCases.PrimaryObjectViewTestCase):
    model = PlanItem
    invalid_field = "slot"

    def make_objects(self):
        self.topic = Topic.objects.create(name="活动预告", slug="events")
        return [
            PlanItem.objects.create(
                title=f"周末活动 {i}", topic=self.topic, owner=self.user, slot=local(ahead(i + 2), 10)
            )
            for i in range(3)
        ]

    @property
    def form_data(self):
        return {
            "title": "新生开学季专题",
            "topic": self.topic.pk,
            "owner": self.user.pk,
            "slot": f"{ahead(5).isoformat()}T11:00",
            "status": "planned",
            "notes": "",
        }

    @property
    def invalid_form_data(self):
        # 23:00 is outside the publishing hours.
        return {**self.form_data, "slot": f"{ahead(5).isoformat()}T23:00"}


class StaffPostViewTests(ViewTestCases.PrimaryObjectViewTestCase):
    model = StaffPost
    invalid_field = "body_html"

    def make_objects(self):
        self.topic = Topic.objects.create(name="官方公告", slug="notices")
        return [
            StaffPost.objects.create(
                title=f"公告 {i}", body=f"内容 {i}", body_html=f"<p>内容 {i}</p>", topic=self.topic,
                status=Post.Status.DRAFT, author=self.user, owner=self.user,
            )
            for i in range(3)
        ]  # fmt: skip

    @property
    def form_data(self):
        return {
            "title": "图书馆开放时间调整",
            "topic": self.topic.pk,
            "body_html": "<p>下周起<strong>延长</strong>开放。</p>",
        }

    @property
    def invalid_form_data(self):
        return {**self.form_data, "body_html": "<script>alert(1)</script>"}


# --- pytest-style tests --------------------------------------------------------------------------
pytestmark = pytest.mark.django_db


def make_user(username, *roles):
    user = User.objects.create_user(
        username=username, email=f"{username}@example.com", is_staff=True, full_name=username
    )
    for role in roles:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def operator(db):
    return make_user("operator1", "operator")


@pytest.fixture
def client_as(client):
    def as_user(user):
        login(client, user)
        return client

    return as_user


@pytest.fixture
def topic(db):
    return Topic.objects.create(name="校园生活", slug="campus-life")


def test_calendar_month_and_week_show_items_posts_and_empty_days(client_as, operator, topic):
    item = PlanItem.objects.create(title="社团招新", topic=topic, owner=operator, slot=local(ahead(2), 10))
    post = Post.objects.create(
        topic=topic, body="食堂新窗口", status=Post.Status.SCHEDULED, scheduled_for=local(ahead(3), 9)
    )
    client = client_as(operator)
    month = client.get(reverse("wall:plan"), {"date": ahead(2).isoformat()})
    assert month.status_code == 200
    html = month.content.decode()
    assert f'data-testid="plan-item-{item.pk}"' in html
    assert 'class="ww-plan-day' in html and "is-empty" in html  # most days of the horizon are empty
    week = client.get(reverse("wall:plan"), {"view": "week", "date": ahead(3).isoformat()})
    assert f'data-testid="plan-post-{post.pk}"' in week.content.decode()
    assert week.content.decode().count('data-day="') == 7


def test_calendar_warns_about_overdue_scheduled_posts(client_as, operator, topic):
    Post.objects.create(
        topic=topic, body="过期未发", title="过期未发", status=Post.Status.SCHEDULED,
        scheduled_for=timezone.now() - datetime.timedelta(hours=2),
    )  # fmt: skip
    html = client_as(operator).get(reverse("wall:plan")).content.decode()
    assert 'data-testid="plan-overdue"' in html and "过期未发" in html


def test_drag_move_of_a_plan_item_keeps_its_time(client_as, operator, topic):
    item = PlanItem.objects.create(
        title="社团招新", topic=topic, owner=operator, slot=local(ahead(2), 10, 30)
    )
    response = client_as(operator).post(
        reverse("wall:planitem_move", args=[item.pk]),
        {"day": ahead(4).isoformat()},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["ok"] is True
    item.refresh_from_db()
    assert item.slot == local(ahead(4), 10, 30)


def test_move_refused_by_the_slot_rules_says_why_and_changes_nothing(client_as, operator, topic):
    Post.objects.create(
        topic=topic, body="已排", status=Post.Status.SCHEDULED, scheduled_for=local(ahead(4), 10)
    )
    post = Post.objects.create(
        topic=topic, body="待移", status=Post.Status.SCHEDULED, scheduled_for=local(ahead(2), 10, 30)
    )
    client = client_as(operator)
    response = client.post(
        reverse("wall:post_move", args=[post.pk]),
        {"day": ahead(4).isoformat()},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 422
    errors = " ".join(response.json()["errors"])
    assert "60" in errors and f"{ahead(4).isoformat()} 10:00" in errors  # the gap rule, naming the other post
    post.refresh_from_db()
    assert post.scheduled_for == local(ahead(2), 10, 30)
    form = client.post(reverse("wall:post_move", args=[post.pk]), {"when": f"{ahead(4).isoformat()}T23:30"})
    assert form.status_code == 422 and 'data-field="when"' in form.content.decode()


def test_move_needs_permission(client_as, topic):
    nobody = make_user("nobody")
    item = PlanItem.objects.create(title="x", topic=topic, owner=nobody, slot=local(ahead(2), 10))
    response = client_as(nobody).post(
        reverse("wall:planitem_move", args=[item.pk]), {"day": ahead(3).isoformat()}
    )
    assert response.status_code == 403


def test_staff_post_is_sanitised_on_save(client_as, operator, topic):
    payloads = [
        "<p>正文<script>alert(1)</script></p>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">链接</a>',
        '<p style="background:url(javascript:alert(1))" onclick="alert(1)">样式</p>',
        '<svg><script>alert(1)</script></svg><iframe src="https://evil.example"></iframe>',
    ]
    client = client_as(operator)
    response = client.post(
        reverse("wall:staffpost_add"),
        {"title": "安全测试", "topic": topic.pk, "body_html": "".join(payloads)},
    )
    assert response.status_code == 302, response.content[:2000]
    post = StaffPost.objects.get(title="安全测试")
    for bad in ("<script", "onerror", "javascript:", "onclick", "style=", "<iframe", "<svg", "<img"):
        assert bad not in post.body_html
    assert "<p>正文</p>" in post.body_html and "链接" in post.body_html
    assert post.status == Post.Status.DRAFT and post.source == Post.Source.STAFF
    detail = client.get(reverse("wall:staffpost_detail", args=[post.pk])).content.decode()
    assert "<script>alert(1)" not in detail


def test_staff_post_through_the_approval_engine_to_a_slot(client_as, operator, topic):
    manager = make_user("manager1", "operations_manager")
    item = PlanItem.objects.create(title="校庆预告", topic=topic, owner=operator, slot=local(ahead(3), 15))
    client = client_as(operator)
    response = client.post(
        reverse("wall:staffpost_add"),
        {"title": "校庆预告", "topic": topic.pk, "body_html": "<p>校庆活动安排</p>", "plan_item": item.pk},
    )
    assert response.status_code == 302
    post = StaffPost.objects.get(title="校庆预告")
    item.refresh_from_db()
    assert item.post_id == post.pk and item.status == PlanItem.Status.DRAFTED
    assert client.post(reverse("wall:staffpost_submit", args=[post.pk])).status_code == 302
    post.refresh_from_db()
    item.refresh_from_db()
    assert post.status == Post.Status.PENDING and item.status == PlanItem.Status.IN_REVIEW
    request = ApprovalRequest.objects.get(process="wall.post", object_id=post.pk)
    approval_decide(actor=manager, request=request, decision="approve")
    request.refresh_from_db()
    post.refresh_from_db()
    item.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    assert post.status == Post.Status.SCHEDULED and post.scheduled_for == local(ahead(3), 15)
    assert post.reviewed_by == manager and post.reviewed_at is not None
    assert item.status == PlanItem.Status.SCHEDULED
    # No longer editable once in the pipeline.
    assert client.get(reverse("wall:staffpost_edit", args=[post.pk])).status_code == 403


def test_wall_users_and_unrelated_staff_never_see_the_plan(client, topic):
    wall_user = User.objects.create_user(username="reader", email="r@example.com")
    login(client, wall_user)
    assert client.get(reverse("wall:plan")).status_code in (302, 403)
    staff = make_user("hr1", "hr_officer")
    login(client, staff)
    assert client.get(reverse("wall:plan")).status_code == 403
    assert client.get(reverse("wall:analytics")).status_code == 403


def test_auditor_reads_the_plan_but_cannot_move(client, topic):
    auditor = make_user("auditor1", "auditor")
    item = PlanItem.objects.create(title="x", topic=topic, owner=auditor, slot=local(ahead(2), 10))
    login(client, auditor)
    page = client.get(reverse("wall:plan"), {"date": ahead(2).isoformat()})
    assert page.status_code == 200 and 'draggable="true"' not in page.content.decode()
    assert (
        client.post(reverse("wall:planitem_move", args=[item.pk]), {"day": ahead(3).isoformat()}).status_code
        == 403
    )


def test_calendar_query_count_does_not_grow_with_items(
    client_as, operator, topic, django_assert_max_num_queries
):
    client = client_as(operator)
    client.get(reverse("wall:plan"))
    for i in range(12):
        PlanItem.objects.create(
            title=f"项目 {i}", topic=topic, owner=operator, slot=local(ahead(1 + i % 6), 9 + i % 8)
        )
        Post.objects.create(
            topic=topic,
            body=f"帖 {i}",
            status=Post.Status.SCHEDULED,
            scheduled_for=local(ahead(1 + i % 6), 8, i),
        )
    with django_assert_max_num_queries(25):
        assert client.get(reverse("wall:plan")).status_code == 200


def test_dashboard_card_counts_todays_slots_and_overdue_posts(client_as, operator, topic):
    now = timezone.now()
    start = local(timezone.localdate(), 0)
    Post.objects.create(
        topic=topic,
        body="今天",
        status=Post.Status.PUBLISHED,
        published_at=max(start, now - datetime.timedelta(minutes=1)),
    )
    Post.objects.create(
        topic=topic, body="逾期", status=Post.Status.SCHEDULED, scheduled_for=now - datetime.timedelta(days=2)
    )
    Post.objects.create(topic=topic, body="待排", status=Post.Status.APPROVED)
    html = client_as(operator).get("/console/").content.decode()
    assert "Publishing today" in html or "今日发布" in html
    from django.test import RequestFactory

    from whitewall.wall.registrations_plan import _today_card

    request = RequestFactory().get("/console/")
    request.user = operator
    card = _today_card(request)
    figures = [figure[1] for figure in card["figures"]]
    assert figures == [1, 1, 1] and card["warning"] is True
    request.user = make_user("hr2", "hr_officer")
    assert _today_card(request) is None
