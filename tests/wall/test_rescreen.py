"""Rescreening published content when a word list changes: a background job with progress."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from whitewall.core.models import Job
from whitewall.core.testing import login
from whitewall.wall.models import Post
from whitewall.wall.screening import cache as screening_cache
from whitewall.wall.tasks_review import rescreen_start

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_matcher():
    screening_cache.forget_local()
    yield
    screening_cache.forget_local()


@pytest.fixture
def make_list(db, django_capture_on_commit_callbacks):
    from whitewall.wall.models import Word, WordList

    def make(name, action, terms):
        with django_capture_on_commit_callbacks(execute=True):
            word_list = WordList.objects.create(name=name, action=action)
            for term in terms:
                Word.objects.create(word_list=word_list, term=term)
        screening_cache.forget_local()
        return word_list

    return make


def _published(wall, body):
    return wall.post(status="published", published_at=timezone.now(), body=body, screening_action="pass")


def test_a_new_block_word_hides_and_flags_published_posts_through_a_job(wall, make_list):
    hit = _published(wall, "周末有人组织传销讲座，大家小心。")
    clean = _published(wall, "图书馆周末照常开放。")
    make_list("违法违规", "block", ["传销"])
    hit.refresh_from_db()
    assert hit.flagged_at is not None and hit.hidden_at is not None
    assert hit.screening_action == "block"
    assert hit.queue_reason == "Word list changed: 传销"
    assert [h["word"] for h in hit.screening_hits] == ["传销"]
    assert not hit.is_public and hit.status == Post.Status.PUBLISHED
    clean.refresh_from_db()
    assert clean.flagged_at is None and clean.hidden_at is None
    job = Job.objects.filter(task="wall.rescreen").latest("pk")
    assert job.status == Job.SUCCEEDED and job.progress == 100
    assert job.result == {"screened": 2, "flagged": 1, "hidden": 1}


def test_a_review_word_flags_without_hiding_and_comments_are_rescreened(wall, make_list):
    post = _published(wall, "出售二手教材，价格可议。")
    comment = wall.comment(post, status="published", published_at=timezone.now(), body="我要代购一本")
    make_list("广告", "review", ["代购", "二手教材"])
    post.refresh_from_db()
    comment.refresh_from_db()
    assert post.flagged_at is not None and post.hidden_at is None
    assert comment.flagged_at is not None and comment.hidden_at is None
    assert comment.screening_action == "review"


def test_words_a_reviewer_already_saw_do_not_flag_again(wall, make_list):
    post = wall.post(
        status="published",
        published_at=timezone.now(),
        body="兼职刷单日结",
        screening_action="review",
        screening_hits=[{"word": "刷单", "start": 2, "end": 4, "action": "review"}],
    )
    make_list("广告", "review", ["刷单"])
    post.refresh_from_db()
    assert post.flagged_at is None


def test_pending_and_rejected_items_are_not_rescreened(wall, make_list):
    pending = wall.post(body="传销")
    make_list("违法违规", "block", ["传销"])
    pending.refresh_from_db()
    assert pending.flagged_at is None


def test_rescreen_can_be_started_by_hand_and_the_flag_shows_in_the_queue(
    wall, make_list, client, django_capture_on_commit_callbacks
):
    make_list("违法违规", "block", ["赌博"])
    post = _published(wall, "网络赌博害人不浅")  # published after the list changed: not screened yet
    login(client, wall.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("wall:review_rescreen"))
    job = Job.objects.filter(task="wall.rescreen").latest("pk")
    assert response.status_code == 302 and response["Location"].endswith(f"/{job.pk}/")
    assert job.created_by == wall.manager and job.status == Job.SUCCEEDED
    post.refresh_from_db()
    assert post.flagged_at is not None
    queue = client.get(reverse("wall:review_list") + "?tab=flagged").content.decode()
    assert f"/review/posts/{post.pk}/" in queue


def test_rescreen_by_hand_needs_the_take_down_permission(wall, client):
    login(client, wall.reviewer)
    assert client.post(reverse("wall:review_rescreen")).status_code == 403
    assert not Job.objects.filter(task="wall.rescreen").exists()


def test_rescreen_start_records_a_job_for_the_user(wall, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = rescreen_start(user=wall.manager, reason="test")
    job.refresh_from_db()
    assert job.status == Job.SUCCEEDED and job.result["screened"] == 0
