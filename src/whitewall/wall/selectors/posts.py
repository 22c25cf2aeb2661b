"""Reads of the public wall, each a constant number of queries whatever the number of posts."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from whitewall.wall.models import Comment, Post, PostImage, PostLike, Tag, Topic

PAGE_SIZE = 20
FEED_FIELDS = (
    "id",
    "title",
    "body",
    "topic__id",
    "topic__name",
    "topic__slug",
    "author__id",
    "author__username",
    "author__full_name",
    "is_anonymous",
    "display_name",
    "published_at",
    "view_count",
    "like_count",
    "comment_count",
    "status",
    "hidden_at",
)


def public_posts() -> QuerySet[Post]:
    """Published and not hidden by reports: what anyone may see."""
    return Post.objects.filter(status=Post.Status.PUBLISHED, hidden_at__isnull=True)


def feed(
    *, topic: Topic | None = None, tag: Tag | None = None, query: str = "", page: int = 1
) -> tuple[list[Post], bool]:
    """One page of the feed, newest first, and whether there is a next page.

    Three queries: the posts (with topic and author joined), their images, their tags. No COUNT:
    a page fetches one row more than it shows to know whether another page follows."""
    posts = public_posts()
    if topic is not None:
        posts = posts.filter(topic=topic)
    if tag is not None:
        posts = posts.filter(tags=tag)
    if query:
        posts = posts.filter(Q(title__icontains=query) | Q(body__icontains=query))
    offset = (max(page, 1) - 1) * PAGE_SIZE
    rows = list(
        posts.select_related("topic", "author")
        .only(*FEED_FIELDS)
        .prefetch_related(
            Prefetch(
                "images", queryset=PostImage.objects.only("id", "post_id", "position", "width", "height")
            ),
            Prefetch("tags", queryset=Tag.objects.only("id", "name")),
        )
        .order_by("-published_at", "-id")[offset : offset + PAGE_SIZE + 1]
    )
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def topics() -> list[Topic]:
    return list(Topic.objects.filter(is_active=True).only("id", "name", "slug"))


def post_for_page(pk: int) -> Post | None:
    return (
        public_posts()
        .select_related("topic", "author")
        .prefetch_related(
            Prefetch(
                "images", queryset=PostImage.objects.only("id", "post_id", "position", "width", "height")
            ),
            Prefetch("tags", queryset=Tag.objects.only("id", "name")),
        )
        .filter(pk=pk)
        .first()
    )


def comments_for(post: Post, visitor_key: str) -> list[Comment]:
    """Published, unhidden comments, plus the visitor's own pending ones (shown only to them)."""
    visible = Q(status=Comment.Status.PUBLISHED, hidden_at__isnull=True)
    if visitor_key:
        visible |= Q(status=Comment.Status.PENDING, submitter_key=visitor_key)
    return list(
        Comment.objects.filter(visible, post=post)
        .select_related("author")
        .only(
            "id",
            "post_id",
            "body",
            "status",
            "is_anonymous",
            "display_name",
            "created",
            "hidden_at",
            "submitter_key",
            "author__id",
            "author__username",
            "author__full_name",
        )
        .order_by("created", "id")[:200]
    )


# The signed-in post page's one query, written out: it runs on every such request, and building
# it through the ORM (two EXISTS subqueries) cost more than running it.
_POST_FOR_READER = (
    "SELECT p.id, p.title, p.body, p.like_count, p.view_count, p.comment_count,"
    " EXISTS(SELECT 1 FROM {like} l WHERE l.post_id = p.id AND l.user_id = %s) AS liked,"
    " EXISTS(SELECT 1 FROM {comment} c WHERE c.post_id = p.id AND c.status = %s"
    " AND c.submitter_key = %s) AS has_own_pending"
    " FROM {post} p WHERE p.id = %s AND p.status = %s AND p.hidden_at IS NULL"
)


def post_for_reader(pk: int, user, visitor_key: str) -> Post | None:
    """The public post ``pk`` for a signed-in reader whose page is built around cached fragments:
    what the live part of the page shows of it (title, counts), whether they like it and whether
    they have comments waiting for review, in one query; None when it is not on the wall (the
    same condition as ``public_posts``)."""
    sql = _POST_FOR_READER.format(
        like=PostLike._meta.db_table, comment=Comment._meta.db_table, post=Post._meta.db_table
    )
    params = [
        getattr(user, "pk", None),
        Comment.Status.PENDING.value,
        visitor_key or "-",
        pk,
        Post.Status.PUBLISHED.value,
    ]
    post = next(iter(Post.objects.raw(sql, params)), None)
    if post is not None:
        post.liked, post.has_own_pending = bool(post.liked), bool(post.has_own_pending)
    return post


def my_submissions(visitor_key: str) -> QuerySet[Post]:
    if not visitor_key:
        return Post.objects.none()
    return (
        Post.objects.filter(submitter_key=visitor_key, source=Post.Source.SUBMISSION)
        .select_related("topic")
        .order_by("-submitted_at", "-id")
    )
