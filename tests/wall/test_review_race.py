"""Two reviewers taking or deciding the same item at the same moment: exactly one wins (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from whitewall.wall.models import Post
from whitewall.wall.services import review

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL; SQLite serialises writes")


def _race(users, work):
    barrier = threading.Barrier(len(users))
    outcomes = {}

    def run(user):
        from django.utils import translation

        translation.activate("en")
        try:
            barrier.wait()
            work(user)
            outcomes[user.username] = "ok"
        except (ValidationError, PermissionDenied) as exc:
            outcomes[user.username] = f"refused: {exc}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_reviewers_opening_the_same_item_one_gets_the_lock(wall):
    for attempt in range(5):
        post = wall.post(title=f"race {attempt}")
        outcomes = _race(
            [wall.reviewer, wall.reviewer2], lambda user: review.review_lock_take(actor=user, item=post)
        )
        assert sorted(v == "ok" for v in outcomes.values()) == [False, True], outcomes
        winner = next(name for name, v in outcomes.items() if v == "ok")
        loser = next(v for v in outcomes.values() if v != "ok")
        assert "is reviewing this post" in loser, loser
        assert Post.objects.get(pk=post.pk).locked_by.username == winner


def test_two_reviewers_deciding_the_same_item_give_one_decision(wall):
    for attempt in range(5):
        post = wall.post(title=f"decide {attempt}")

        def decide(user):
            if user == wall.reviewer:
                review.post_approve(actor=user, post=post)
            else:
                review.post_reject(actor=user, post=post, reason="off_topic")

        outcomes = _race([wall.reviewer, wall.reviewer2], decide)
        assert sorted(v == "ok" for v in outcomes.values()) == [False, True], outcomes
        post.refresh_from_db()
        winner = next(name for name, v in outcomes.items() if v == "ok")
        assert post.reviewed_by.username == winner
        assert post.status == ("scheduled" if winner == "reviewer1" else "rejected")
