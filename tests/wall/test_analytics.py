"""Analytics figures against a hand-computed fixture; the page, the Excel export and the API."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from whitewall.accounts.models import User
from whitewall.core.testing import login
from whitewall.wall.models import Comment, Post, PostLike, PostViewDay, Report, Topic
from whitewall.wall.selectors import analytics

pytestmark = pytest.mark.django_db

D1 = datetime.date(2026, 3, 2)  # a Monday
D2 = datetime.date(2026, 3, 3)


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def fixture(db):
    """Two topics, three posts; the figures below are worked out by hand."""
    life = Topic.objects.create(name="校园生活", slug="life")
    study = Topic.objects.create(name="学习交流", slug="study")
    users = [User.objects.create_user(username=f"u{i}", email=f"u{i}@example.com") for i in range(4)]
    # Post A: life, published Monday 09:xx; post B: study, Monday 20:xx; post C: life, Tuesday 09:xx.
    a = Post.objects.create(
        topic=life,
        title="A",
        body="A",
        status=Post.Status.PUBLISHED,
        published_at=at(D1, 9, 5),
        submitted_at=at(D1, 7),
        reviewed_at=at(D1, 8),
        view_count=100,
        like_count=5,
        comment_count=5,
    )
    b = Post.objects.create(
        topic=study,
        title="B",
        body="B",
        status=Post.Status.PUBLISHED,
        published_at=at(D1, 20, 10),
        submitted_at=at(D1, 10),
        reviewed_at=at(D1, 14),
        view_count=50,
        like_count=1,
        comment_count=0,
    )
    c = Post.objects.create(
        topic=life,
        title="C",
        body="C",
        status=Post.Status.PUBLISHED,
        published_at=at(D2, 9, 30),
        submitted_at=at(D2, 6),
        reviewed_at=at(D2, 7),
        view_count=20,
        like_count=0,
        comment_count=1,
    )
    # Daily views: D1 A=60 B=40; D2 A=40 B=10 C=20 -> views 170; a day outside the range is ignored.
    for post, day, views in [
        (a, D1, 60),
        (b, D1, 40),
        (a, D2, 40),
        (b, D2, 10),
        (c, D2, 20),
        (a, D1 - datetime.timedelta(days=1), 999),
    ]:
        PostViewDay.objects.create(post=post, day=day, views=views)

    # Likes: A 3 on D1 (23:30 local = 15:30 UTC, still D1) and 1 on D2; B 1 on D2; C's is after the range -> 5.
    def like(post, user, when):
        PostLike.objects.filter(pk=PostLike.objects.create(post=post, user=user).pk).update(created=when)

    like(a, users[0], at(D1, 23, 30))
    like(a, users[1], at(D1, 10))
    like(a, users[2], at(D1, 11))
    like(a, users[3], at(D2, 10))
    like(b, users[0], at(D2, 12))
    like(c, users[1], at(D2 + datetime.timedelta(days=1), 8))
    # Comments: A 2 published on D1, 1 rejected; C 1 published on D2 -> 3.
    for post, when, status in [
        (a, at(D1, 12), "published"),
        (a, at(D1, 13), "published"),
        (a, at(D1, 14), "rejected"),
        (c, at(D2, 15), "published"),
    ]:
        comment = Comment.objects.create(post=post, body="评论", status=status)
        Comment.objects.filter(pk=comment.pk).update(created=when)
    # Reports: 1 in range.
    report = Report.objects.create(post=b, reason="spam")
    Report.objects.filter(pk=report.pk).update(created=at(D2, 16))
    return {"a": a, "b": b, "c": c, "life": life, "study": study}


# fmt: skip


def test_figures_match_the_hand_computed_fixture(fixture, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        figures = analytics.compute(D1, D2)
    assert (figures.views, figures.likes, figures.comments) == (170, 5, 3)
    assert figures.engagement_rate == round(8 / 170, 4)
    assert figures.reports == 1 and figures.reports_per_thousand_views == round(1000 / 170, 2)
    assert figures.posts_published == 3
    # Review turnaround: A 1 h, B 4 h, C 1 h -> median 1 h.
    assert figures.median_review_hours == 1.0
    assert figures.daily == [
        {"day": "2026-03-02", "views": 100, "likes": 3, "comments": 2, "engagement_rate": 0.05},
        {"day": "2026-03-03", "views": 70, "likes": 2, "comments": 1, "engagement_rate": round(3 / 70, 4)},
    ]
    assert [(p["title"], p["views"], p["likes"], p["comments"]) for p in figures.top_posts] == [
        ("A", 100, 4, 2), ("B", 50, 1, 0), ("C", 20, 0, 1),
    ]  # fmt: skip
    topics = {t["topic"]: t for t in figures.topics}
    assert topics["校园生活"] == {
        "topic": "校园生活",
        "views": 120,
        "likes": 4,
        "comments": 3,
        "posts": 2,
        "engagement_rate": round(7 / 120, 4),
    }
    assert topics["学习交流"]["views"] == 50 and topics["学习交流"]["posts"] == 1
    # Best time: Monday 9h (A: 10/100), Monday 20h (B: 1/50), Tuesday 9h (C: 1/20).
    cells = {(c["weekday"], c["hour"]): c for c in figures.heatmap}
    assert set(cells) == {(1, 9), (1, 20), (2, 9)}
    assert cells[(1, 9)]["engagement_rate"] == 0.1 and cells[(2, 9)]["engagement_rate"] == 0.05


def test_an_empty_range_gives_zeros_not_errors(db):
    figures = analytics.compute(D1, D2)
    assert figures.views == 0 and figures.engagement_rate is None and figures.median_review_hours is None
    assert len(figures.daily) == 2


@pytest.fixture
def analyst(db):
    user = User.objects.create_user(username="mkt", email="m@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="marketing"))
    return user


def test_page_renders_figures_and_chart_data(client, fixture, analyst):
    login(client, analyst)
    response = client.get(reverse("wall:analytics"), {"start": D1.isoformat(), "end": D2.isoformat()})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="figure-views">170<' in html
    assert '<script id="analytics-data" type="application/json">' in html
    assert '"day": "2026-03-02", "views": 100' in html  # the daily series reaches the charts


def test_bad_range_names_the_field(client, analyst):
    login(client, analyst)
    response = client.get(reverse("wall:analytics"), {"start": "2026-03-05", "end": "2026-03-01"})
    assert response.status_code == 422 and 'data-field="end"' in response.content.decode()
    assert client.get(reverse("wall:analytics"), {"start": "nonsense"}).status_code == 422


def test_excel_export_holds_the_same_figures(client, fixture, analyst):
    from openpyxl import load_workbook

    login(client, analyst)
    response = client.get(
        reverse("wall:analytics"), {"start": D1.isoformat(), "end": D2.isoformat(), "export": "xlsx"}
    )
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    book = load_workbook(io.BytesIO(response.content))
    # Rows: from, to, views, likes, comments, engagement rate, ... (labels are translated).
    summary = [row[1] for row in book.worksheets[0].iter_rows(values_only=True)]
    assert summary[:6] == ["2026-03-02", "2026-03-03", 170, 5, 3, round(8 / 170, 4)]
    daily = list(book.worksheets[1].iter_rows(values_only=True))
    assert daily[1][:2] == ("2026-03-02", 100)
    top = list(book.worksheets[2].iter_rows(values_only=True))
    assert top[1][1] == "A" and top[1][3] == 100


def test_api_gives_the_same_figures_and_needs_the_permission(client, fixture, analyst):
    url = "/api/v1/wall/analytics/"
    login(client, analyst)
    data = client.get(url, {"start": D1.isoformat(), "end": D2.isoformat()}).json()
    assert data["views"] == 170 and data["likes"] == 5 and data["median_review_hours"] == 1.0
    assert client.get(url, {"start": "x"}).status_code == 400
    other = User.objects.create_user(username="hr", email="h@example.com", is_staff=True)
    other.groups.add(Group.objects.get(name="hr_officer"))
    login(client, other)
    assert client.get(url).status_code == 403
