"""Submissions and comments go through the real sensitive-word screening."""

import pytest

from whitewall.wall import testing as f
from whitewall.wall.models import Comment, Post, Word, WordList
from whitewall.wall.screening import cache as screening_cache
from whitewall.wall.services.posts import comment_submit, post_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def word_lists(django_capture_on_commit_callbacks):
    screening_cache.forget_local()
    with django_capture_on_commit_callbacks(execute=True):
        blocked = WordList.objects.create(name="违禁", action="block")
        Word.objects.create(word_list=blocked, term="赌博网站")
        review = WordList.objects.create(name="诈骗相关", action="review")
        Word.objects.create(word_list=review, term="刷单")
    screening_cache.forget_local()
    yield
    screening_cache.forget_local()


def test_post_submit_with_real_word_lists(word_lists):
    user = f.wall_user()
    held = post_submit(actor=f.visitor(user), topic=f.topic(), body="有人在宿舍推销刷单兼职")
    assert held.status == Post.Status.PENDING
    assert held.screening_action == "review" and held.screening_hits[0]["word"] == "刷单"
    assert "刷单" in held.queue_reason
    refused = post_submit(actor=f.visitor(user), topic=f.topic(), body="推荐一个赌 博 网 站")
    assert refused.status == Post.Status.REJECTED and refused.screening_action == "block"


def test_comment_submit_with_real_word_lists(word_lists):
    post = f.published()
    user = f.wall_user()
    assert comment_submit(actor=f.visitor(user), post=post, body="好的").status == Comment.Status.PUBLISHED
    assert comment_submit(actor=f.visitor(user), post=post, body="求刷单").status == Comment.Status.PENDING
