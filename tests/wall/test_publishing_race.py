"""Two consumers running the publishing job at the same moment publish each due post once."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from whitewall.accounts.models import User
from whitewall.audit.models import AuditEvent
from whitewall.notifications.models import Notification
from whitewall.wall.models import Post, Topic
from whitewall.wall.services.publishing import publish_due

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent consumers need PostgreSQL's row locks; SQLite serialises writers")


def _run_consumers(count: int, now) -> list[dict]:
    barrier = threading.Barrier(count)
    results: list[dict] = []

    def consume():
        from django.utils import translation

        translation.activate("en")
        try:
            barrier.wait()
            results.append(publish_due(now=now))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=consume) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_two_consumers_publish_each_due_post_exactly_once():
    topic = Topic.objects.create(name="校园生活", slug="campus-life")
    authors = [User.objects.create_user(username=f"author{i}", email=f"a{i}@example.com") for i in range(12)]
    now = timezone.now()
    posts = [
        Post.objects.create(
            topic=topic,
            body=f"定时发布 {i}",
            author=author,
            status=Post.Status.SCHEDULED,
            scheduled_for=now - datetime.timedelta(minutes=i + 1),
        )
        for i, author in enumerate(authors)
    ]
    results = _run_consumers(2, now)
    assert len(results) == 2, results
    assert sum(result["published"] for result in results) == len(posts)
    for post in posts:
        post.refresh_from_db()
        assert post.status == Post.Status.PUBLISHED
        assert Notification.objects.filter(kind="wall.post_published", recipient=post.author).count() == 1
        publish_events = [
            event
            for event in AuditEvent.objects.filter(object_type="wall.post", object_id=str(post.pk))
            if (event.after_data or {}).get("status") == Post.Status.PUBLISHED
        ]
        assert len(publish_events) == 1, publish_events
    # A third run finds nothing to do.
    assert publish_due(now=now)["published"] == 0
