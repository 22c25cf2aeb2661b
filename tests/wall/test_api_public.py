"""The public wall's API: published posts for anyone; own submissions, likes, reports, feedback."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from whitewall.core.testing import api_rates
from whitewall.wall import testing as f
from whitewall.wall.models import Feedback, Post, Report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _rates():
    with api_rates():
        yield


def test_public_posts_list_only_published_unhidden_newest_first():
    t = f.topic()
    old = f.published(t, title="旧", published_at=timezone.now() - timezone.timedelta(hours=2))
    new = f.published(t, title="新")
    f.published(t, title="隐藏", hidden_at=timezone.now())
    Post.objects.create(topic=t, body="待审", status=Post.Status.PENDING)
    Post.objects.create(topic=t, body="下架", status=Post.Status.TAKEN_DOWN)
    response = APIClient().get("/api/v1/wall/posts/")
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    assert ids == [new.pk, old.pk]
    assert "submitter_identity" not in response.json()["results"][0]
    assert "submitter_key" not in response.json()["results"][0]
    hidden = Post.objects.get(title="隐藏")
    assert APIClient().get(f"/api/v1/wall/posts/{hidden.pk}/").status_code == 404
    assert APIClient().get("/api/v1/wall/posts/", {"topic": "nope"}).json()["results"] == []


def test_anonymous_author_is_not_exposed():
    user = f.wall_user(username="hidden-name")
    f.published(is_anonymous=True, author=None, submitter_key=f.visitor(user).key)
    row = APIClient().get("/api/v1/wall/posts/").json()["results"][0]
    assert row["author"] == "Anonymous" or row["author"] == "匿名"
    assert "hidden-name" not in str(row)


def test_submissions_are_own_only_and_go_through_the_service():
    user, other = f.wall_user(), f.wall_user()
    t = f.topic()
    client = APIClient()
    assert client.post(
        "/api/v1/wall/submissions/", {"topic": t.slug, "body": "x"}, format="json"
    ).status_code in (401, 403)
    client.force_authenticate(user)
    response = client.post(
        "/api/v1/wall/submissions/",
        {"topic": t.slug, "body": "API 投稿", "is_anonymous": True},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "pending"
    post = Post.objects.get(pk=response.json()["id"])
    assert post.author is None and post.submitter_key == f.visitor(user).key
    response = client.post("/api/v1/wall/submissions/", {"topic": t.slug, "body": "  "}, format="json")
    assert response.status_code == 400 and "body" in response.json()["errors"]
    other_client = APIClient()
    other_client.force_authenticate(other)
    assert other_client.get("/api/v1/wall/submissions/").json()["results"] == []
    assert other_client.post(f"/api/v1/wall/submissions/{post.pk}/withdraw/").status_code == 404
    response = client.post(f"/api/v1/wall/submissions/{post.pk}/withdraw/")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"


def test_like_report_and_feedback_through_the_api():
    post = f.published()
    user = f.wall_user()
    client = APIClient()
    assert client.post(f"/api/v1/wall/posts/{post.pk}/like/").status_code in (401, 403)
    client.force_authenticate(user)
    response = client.post(f"/api/v1/wall/posts/{post.pk}/like/")
    assert response.json() == {"liked": True, "like_count": 1}
    response = client.post("/api/v1/wall/reports/", {"post": post.pk, "reason": "spam"}, format="json")
    assert response.status_code == 201, response.json()
    response = client.post("/api/v1/wall/reports/", {"post": post.pk, "reason": "spam"}, format="json")
    assert response.status_code == 400
    assert Report.objects.count() == 1
    assert len(client.get("/api/v1/wall/reports/").json()["results"]) == 1
    response = client.post(
        "/api/v1/wall/feedback/", {"kind": "complaint", "subject": "投诉", "body": "内容"}, format="json"
    )
    assert response.status_code == 201
    item = Feedback.objects.get()
    item.reply = "已处理"
    item.save()
    assert client.get("/api/v1/wall/feedback/").json()["results"][0]["reply"] == "已处理"
