"""Engagement analytics of the wall, for a range of local days: the page, the export and the API.

Every figure is aggregated in the database (a fixed handful of queries, never one per post):

- views: deduplicated daily views (``PostViewDay``) in the range;
- likes and comments: likes given and comments published in the range;
- engagement rate: (likes + comments) / views;
- daily series of the three; top posts by views in the range; the same by topic;
- best time to post: posts published in the range, by weekday × hour of publication (local time),
  with their engagement rate (running totals on the post: likes + comments over views);
- median review turnaround: submission to review decision, for posts reviewed in the range;
- reports per 1,000 views: reports filed in the range over the views of the range.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field

from django.db.models import Count, F, Sum
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate
from django.utils import timezone

from whitewall.wall.models import Comment, Post, PostLike, PostViewDay, Report
from whitewall.wall.slots import local_day_bounds

TOP_POSTS = 10
DEFAULT_DAYS = 30


@dataclass
class Analytics:
    start: datetime.date
    end: datetime.date  # inclusive
    views: int = 0
    likes: int = 0
    comments: int = 0
    reports: int = 0
    posts_published: int = 0
    median_review_hours: float | None = None
    daily: list[dict] = field(default_factory=list)
    top_posts: list[dict] = field(default_factory=list)
    topics: list[dict] = field(default_factory=list)
    heatmap: list[dict] = field(default_factory=list)

    @property
    def engagement_rate(self) -> float | None:
        return rate(self.likes + self.comments, self.views)

    @property
    def reports_per_thousand_views(self) -> float | None:
        return None if not self.views else round(self.reports * 1000 / self.views, 2)

    def as_dict(self) -> dict:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "views": self.views,
            "likes": self.likes,
            "comments": self.comments,
            "engagement_rate": self.engagement_rate,
            "posts_published": self.posts_published,
            "reports": self.reports,
            "reports_per_thousand_views": self.reports_per_thousand_views,
            "median_review_hours": self.median_review_hours,
            "daily": self.daily,
            "top_posts": self.top_posts,
            "topics": self.topics,
            "best_time": self.heatmap,
        }


def rate(part: int, whole: int) -> float | None:
    return None if not whole else round(part / whole, 4)


def default_range() -> tuple[datetime.date, datetime.date]:
    end = timezone.localdate()
    return end - datetime.timedelta(days=DEFAULT_DAYS - 1), end


def _days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    return [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]


def compute(start: datetime.date, end: datetime.date) -> Analytics:
    """All the figures for the local days ``start`` to ``end`` (inclusive)."""
    tz = timezone.get_current_timezone()
    since, _x = local_day_bounds(start)
    until, _y = local_day_bounds(end + datetime.timedelta(days=1))
    result = Analytics(start=start, end=end)

    view_days = PostViewDay.objects.filter(day__gte=start, day__lte=end)
    likes = PostLike.objects.filter(created__gte=since, created__lt=until)
    comments = Comment.objects.filter(status=Comment.Status.PUBLISHED, created__gte=since, created__lt=until)
    # Daily series: three grouped queries.
    views_by_day = dict(view_days.values("day").annotate(n=Sum("views")).values_list("day", "n"))
    likes_by_day = dict(
        likes.annotate(d=TruncDate("created", tzinfo=tz))
        .values("d")
        .annotate(n=Count("id"))
        .values_list("d", "n")
    )
    comments_by_day = dict(
        comments.annotate(d=TruncDate("created", tzinfo=tz))
        .values("d")
        .annotate(n=Count("id"))
        .values_list("d", "n")
    )
    for day in _days(start, end):
        v, lk, c = views_by_day.get(day, 0), likes_by_day.get(day, 0), comments_by_day.get(day, 0)
        result.daily.append(
            {
                "day": day.isoformat(),
                "views": v,
                "likes": lk,
                "comments": c,
                "engagement_rate": rate(lk + c, v),
            }
        )
    result.views = sum(views_by_day.values())
    result.likes = sum(likes_by_day.values())
    result.comments = sum(comments_by_day.values())

    # Top posts by views in the range, with their likes and comments in the range.
    top = list(view_days.values("post").annotate(n=Sum("views")).order_by("-n", "post")[:TOP_POSTS])
    ids = [row["post"] for row in top]
    titles = {p.pk: p for p in Post.objects.filter(pk__in=ids).select_related("topic")}
    top_likes = dict(
        likes.filter(post__in=ids).values("post").annotate(n=Count("id")).values_list("post", "n")
    )
    top_comments = dict(
        comments.filter(post__in=ids).values("post").annotate(n=Count("id")).values_list("post", "n")
    )
    for row in top:
        post = titles.get(row["post"])
        lk, c = top_likes.get(row["post"], 0), top_comments.get(row["post"], 0)
        result.top_posts.append(
            {
                "id": row["post"],
                "title": str(post) if post else "",
                "topic": post.topic.name if post else "",
                "views": row["n"],
                "likes": lk,
                "comments": c,
                "engagement_rate": rate(lk + c, row["n"]),
            }
        )

    # By topic: views, likes, comments and posts published in the range.
    topic_views = view_days.values("post__topic__name").annotate(n=Sum("views"))
    topic_likes = likes.values("post__topic__name").annotate(n=Count("id"))
    topic_comments = comments.values("post__topic__name").annotate(n=Count("id"))
    published = Post.objects.filter(published_at__gte=since, published_at__lt=until).exclude(
        status__in=(Post.Status.SCHEDULED, Post.Status.APPROVED)
    )
    topic_posts = published.values("topic__name").annotate(n=Count("id"))
    topics: dict[str, dict] = {}

    def bucket(name):
        return topics.setdefault(
            name or "", {"topic": name or "", "views": 0, "likes": 0, "comments": 0, "posts": 0}
        )

    for row in topic_views:
        bucket(row["post__topic__name"])["views"] = row["n"]
    for row in topic_likes:
        bucket(row["post__topic__name"])["likes"] = row["n"]
    for row in topic_comments:
        bucket(row["post__topic__name"])["comments"] = row["n"]
    for row in topic_posts:
        bucket(row["topic__name"])["posts"] = row["n"]
    for entry in topics.values():
        entry["engagement_rate"] = rate(entry["likes"] + entry["comments"], entry["views"])
    result.topics = sorted(topics.values(), key=lambda e: (-e["views"], e["topic"]))
    result.posts_published = sum(entry["posts"] for entry in topics.values())

    # Best time to post: weekday (1 = Monday) × hour of publication, engagement of those posts.
    cells = (
        published.annotate(
            weekday=ExtractIsoWeekDay("published_at", tzinfo=tz), hour=ExtractHour("published_at", tzinfo=tz)
        )
        .values("weekday", "hour")
        .annotate(
            posts=Count("id"),
            views=Sum("view_count"),
            engaged=Sum(F("like_count") + F("comment_count")),
        )
        .order_by("weekday", "hour")
    )
    result.heatmap = [
        {
            "weekday": row["weekday"],
            "hour": row["hour"],
            "posts": row["posts"],
            "views": row["views"] or 0,
            "engagement_rate": rate(row["engaged"] or 0, row["views"] or 0),
        }
        for row in cells
    ]

    # Median review turnaround (hours), for posts reviewed in the range.
    turnaround = Post.objects.filter(
        reviewed_at__gte=since, reviewed_at__lt=until, submitted_at__isnull=False
    ).values_list("submitted_at", "reviewed_at")
    hours = [
        (reviewed - submitted).total_seconds() / 3600
        for submitted, reviewed in turnaround
        if reviewed >= submitted
    ]
    result.median_review_hours = round(statistics.median(hours), 2) if hours else None

    result.reports = Report.objects.filter(created__gte=since, created__lt=until).count()
    return result
