"""The public wall's demo data."""

import pytest

from whitewall.wall.demo_public import seed_public_wall
from whitewall.wall.models import Comment, Feedback, Post, PostViewDay, Report, Topic

pytestmark = pytest.mark.django_db


def test_seed_public_wall_fills_the_wall_with_consistent_figures():
    summary = seed_public_wall()
    assert "published posts" in summary
    assert Topic.objects.filter(slug="campus-safety").exists()
    published = Post.objects.filter(status=Post.Status.PUBLISHED)
    assert published.count() >= 300
    assert Post.objects.filter(status=Post.Status.PENDING).exists()
    assert Report.objects.exists() and Feedback.objects.exclude(reply="").exists()
    post = published.filter(view_count__gt=0).first()
    assert post.view_count == sum(PostViewDay.objects.filter(post=post).values_list("views", flat=True))
    assert post.like_count == post.likes.count()
    assert post.comment_count == Comment.objects.filter(post=post, status="published").count()
    assert published.filter(is_anonymous=True, author__isnull=True).exists()
    assert seed_public_wall() == "already present"
