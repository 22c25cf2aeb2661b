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


def test_demo_likes_and_comments_are_spread_over_time_after_their_post():
    from django.db.models import F

    from whitewall.wall.models import PostLike

    seed_public_wall()
    likes = PostLike.objects.filter(post__published_at__isnull=False)
    assert likes.exists()
    assert not likes.filter(created__lt=F("post__published_at")).exists()
    # Not every like on the day of seeding: the analytics' daily engagement stays plausible.
    assert likes.dates("created", "day").count() > 5
    comments = Comment.objects.filter(status="published", post__published_at__isnull=False)
    assert not comments.filter(created__lt=F("post__published_at")).exists()
    assert comments.dates("created", "day").count() > 5
