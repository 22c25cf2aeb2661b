"""The REST API of content operations: the batteries for reports and feedback, and the review
actions through the same services (lock, decisions, bulk, handling, replies)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from whitewall.core.testing import APITestCases, api_rates, login
from whitewall.wall.models import Comment, Feedback, Post, Report, Topic
from whitewall.wall.services import review

from .conftest import Wall


class _WallObjects:
    def wall_objects(self):
        self.topic = Topic.objects.create(name="校园生活", slug="campus-life")
        self.posts = [
            Post.objects.create(
                topic=self.topic, body=f"帖子 {i}", status="published", published_at=timezone.now()
            )
            for i in range(2)
        ]


class ReportAPITests(_WallObjects, APITestCases.ReadOnlyAPITestCase):
    model = Report
    api_basename = "wall-moderation-report"

    def make_objects(self):
        self.wall_objects()
        return [
            Report.objects.create(post=post, reason="spam", reporter_key=f"k{i}")
            for i, post in enumerate(self.posts)
        ]


class FeedbackAPITests(_WallObjects, APITestCases.ReadOnlyAPITestCase):
    model = Feedback
    api_basename = "wall-moderation-feedback"

    def make_objects(self):
        return [Feedback.objects.create(user=self.user, subject=f"投诉 {i}", body="内容") for i in range(2)]


@pytest.fixture
def api(wall):
    def client_for(user):
        client = Client()
        login(client, user)
        return client

    with api_rates():
        yield client_for


def _post(client, url, data=None):
    return client.post(url, data=json.dumps(data or {}), content_type="application/json")


@pytest.mark.django_db
def test_review_queue_list_holds_pending_posts_only(wall: Wall, api):
    pending, done = wall.post(), wall.post(status="approved")
    body = api(wall.reviewer).get(reverse("api:wall-review-post-list")).json()
    ids = {row["id"] for row in body["results"]}
    assert pending.pk in ids and done.pk not in ids
    assert api(wall.operator).get(reverse("api:wall-review-post-list")).status_code == 403


@pytest.mark.django_db
def test_approve_reject_and_send_back_through_the_api(wall: Wall, api):
    first, second, third = wall.post(), wall.post(), wall.post()
    client = api(wall.reviewer)
    response = _post(client, reverse("api:wall-review-post-approve", kwargs={"pk": first.pk}))
    assert response.status_code == 200 and response.json()["status"] == "scheduled"
    response = _post(
        client, reverse("api:wall-review-post-reject", kwargs={"pk": second.pk}), {"reason": "nope"}
    )
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    response = _post(
        client,
        reverse("api:wall-review-post-reject", kwargs={"pk": second.pk}),
        {"reason": "other", "note": ""},
    )
    assert response.status_code == 400 and "note" in response.json()["errors"]
    response = _post(
        client, reverse("api:wall-review-post-reject", kwargs={"pk": second.pk}), {"reason": "advertising"}
    )
    assert response.json()["reject_reason"] == "advertising"
    response = _post(
        client, reverse("api:wall-review-post-send-back", kwargs={"pk": third.pk}), {"note": "请修改"}
    )
    assert response.json()["status"] == "sent_back"


@pytest.mark.django_db
def test_the_api_respects_the_review_lock(wall: Wall, api):
    post = wall.post()
    response = _post(api(wall.reviewer), reverse("api:wall-review-post-lock", kwargs={"pk": post.pk}))
    assert response.status_code == 200 and response.json()["locked_by"] == "reviewer1"
    response = _post(api(wall.reviewer2), reverse("api:wall-review-post-approve", kwargs={"pk": post.pk}))
    assert response.status_code == 400, response.json()
    assert Post.objects.get(pk=post.pk).status == "pending"


@pytest.mark.django_db
def test_bulk_through_the_api(wall: Wall, api):
    posts = [wall.post(), wall.post()]
    held = wall.post()
    review.review_lock_take(actor=wall.reviewer2, item=held)
    response = _post(
        api(wall.reviewer),
        reverse("api:wall-review-post-bulk"),
        {"ids": [p.pk for p in posts] + [held.pk, 999999], "decision": "approve"},
    )
    body = response.json()
    assert sorted(body["done"]) == sorted(p.pk for p in posts)
    assert set(body["refused"]) == {str(held.pk), "999999"}


@pytest.mark.django_db
def test_comment_approve_through_the_api(wall: Wall, api):
    comment = wall.comment()
    response = _post(
        api(wall.reviewer), reverse("api:wall-review-comment-approve", kwargs={"pk": comment.pk})
    )
    assert response.json()["status"] == "published"
    assert Comment.objects.get(pk=comment.pk).status == "published"


@pytest.mark.django_db
def test_take_down_through_the_api_needs_the_take_down_action(wall: Wall, api):
    post = wall.post(status="published", published_at=timezone.now())
    url = reverse("api:wall-review-post-take-down", kwargs={"pk": post.pk})
    assert _post(api(wall.reviewer), url, {"reason": "违规"}).status_code == 403
    response = _post(api(wall.manager), url, {"reason": "违规"})
    assert response.status_code == 200 and response.json()["status"] == "taken_down"


@pytest.mark.django_db
def test_report_uphold_and_dismiss_through_the_api(wall: Wall, api):
    post = wall.post(status="published", published_at=timezone.now())
    report = wall.report(post=post)
    client = api(wall.reviewer)
    response = _post(client, reverse("api:wall-moderation-report-dismiss", kwargs={"pk": report.pk}), {})
    assert response.status_code == 400 and "note" in response.json()["errors"]
    response = _post(
        client, reverse("api:wall-moderation-report-uphold", kwargs={"pk": report.pk}), {"note": "广告"}
    )
    assert response.status_code == 200 and response.json()["status"] == "upheld"
    assert Post.objects.get(pk=post.pk).status == "taken_down"
    assert (
        _post(
            api(wall.operator), reverse("api:wall-moderation-report-uphold", kwargs={"pk": report.pk})
        ).status_code
        == 403
    )


@pytest.mark.django_db
def test_feedback_reply_through_the_api(wall: Wall, api):
    feedback = wall.feedback()
    client = api(wall.operator)
    response = _post(
        client, reverse("api:wall-moderation-feedback-reply", kwargs={"pk": feedback.pk}), {"reply": ""}
    )
    assert response.status_code == 400 and "reply" in response.json()["errors"]
    response = _post(
        client,
        reverse("api:wall-moderation-feedback-reply", kwargs={"pk": feedback.pk}),
        {"reply": "已处理", "resolution": "fixed"},
    )
    assert response.status_code == 200 and response.json()["status"] == "answered"
    response = _post(
        client,
        reverse("api:wall-moderation-feedback-close", kwargs={"pk": feedback.pk}),
        {"resolution": "fixed"},
    )
    assert response.json()["status"] == "closed"
    assert (
        _post(
            api(wall.reviewer), reverse("api:wall-moderation-feedback-close", kwargs={"pk": feedback.pk})
        ).status_code
        == 403
    )
