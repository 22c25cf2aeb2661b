"""Demo data for the publishing plan: two weeks of plan items (a few days left empty on purpose),
staff posts in every state, posts scheduled in the coming days, and, when no other seeder brought
engagement data, a month of published staff posts with daily views, likes and comments."""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from whitewall.wall.models import Comment, PlanItem, Post, PostLike, PostViewDay, StaffPost, Topic

TOPICS = [
    ("校园生活", "campus-life", "食堂、宿舍、社团与日常"),
    ("活动预告", "events", "讲座、比赛与社团活动"),
    ("官方公告", "notices", "运营团队发布的通知"),
]
PLAN = [
    (0, 10, "本周食堂新菜品投票", "campus-life"),
    (1, 9, "图书馆延长开放时间通知", "notices"),
    (1, 19, "周末电影放映预告", "events"),
    (2, 12, "社团招新进度汇总", "events"),
    (4, 10, "期中考试自习室安排", "notices"),
    (5, 15, "校园跑活动报名", "events"),
    (7, 11, "宿舍安全检查提醒", "notices"),
    (8, 18, "摄影大赛作品征集", "events"),
    (10, 9, "校园卡系统升级公告", "notices"),
    (12, 14, "毕业生经验分享会", "events"),
]  # days 3, 6, 9, 11 and 13 stay empty: the calendar highlights them
STAFF_POSTS = [
    (
        "draft",
        "新学期选课指南（草稿）",
        "<p>选课系统将于下周一开放，本文整理了<strong>常见问题</strong>。</p>",
    ),
    ("sent_back", "失物招领处搬迁", "<p>失物招领处搬至学生服务中心一楼。</p>"),
    ("pending", "运动会志愿者招募", "<p>欢迎报名成为运动会志愿者，<em>名额有限</em>。</p>"),
    (
        "scheduled",
        "本周讲座一览",
        "<h2>本周讲座</h2><ul><li>周二：人工智能与社会</li><li>周四：写作工作坊</li></ul>",
    ),
    ("scheduled", "食堂营业时间调整", "<p>第二食堂晚餐延长至 20:30。</p>"),
]
PAST_TITLES = ["开学第一周回顾", "社团嘉年华精彩瞬间", "图书馆新书推荐", "校园夜跑路线分享", "考试周温馨提示",
               "志愿服务时长认定说明", "食堂满意度调查结果", "宿舍文化节获奖名单"]  # fmt: skip


def _local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def seed_plan() -> str:
    User = get_user_model()
    staff = {
        u.username: u
        for u in User.objects.filter(username__in=["operator", "marketing", "ops_manager", "xu.na"])
    }
    if "operator" not in staff or "marketing" not in staff:
        return "publishing plan: skipped (no demo staff)"
    if PlanItem.objects.exists():
        return "already present"
    operator, marketing = staff["operator"], staff["marketing"]
    topics = {}
    for name, slug, description in TOPICS:
        topic = Topic.objects.filter(slug=slug).first() or Topic.objects.filter(name=name).first()
        topics[slug] = topic or Topic.objects.create(name=name, slug=slug, description=description)
    rng = random.Random(42)
    today = timezone.localdate()
    items = []
    for offset, hour, title, slug in PLAN:
        owner = operator if offset % 2 else marketing
        items.append(
            PlanItem.objects.create(
                title=title,
                topic=topics[slug],
                owner=owner,
                slot=_local(today + datetime.timedelta(days=offset), hour),
            )
        )
    # Staff posts in each state; the scheduled ones are linked to plan items and hold their slot.
    made = 0
    for index, (status, title, html) in enumerate(STAFF_POSTS):
        from whitewall.wall.sanitize import clean_html, html_to_text

        body_html = clean_html(html)
        post = StaffPost.objects.create(
            title=title, topic=topics["notices"], body_html=body_html, body=html_to_text(body_html),
            author=marketing, owner=marketing, display_name="运营团队", status=status,
        )  # fmt: skip
        if status in ("pending", "scheduled"):
            post.submitted_at = timezone.now() - datetime.timedelta(hours=6 + index)
        if status == "scheduled":
            item = items[index - 2]  # days 1 and 1 (evening)
            post.reviewed_by = staff.get("ops_manager")
            post.reviewed_at = timezone.now() - datetime.timedelta(hours=2)
            post.scheduled_for = item.slot
            item.post, item.status = post, PlanItem.Status.SCHEDULED
            item.save()
        if status == "draft":
            items[4].post, items[4].status = post, PlanItem.Status.DRAFTED
            items[4].save()
        if status == "pending":
            post.status = Post.Status.DRAFT
            post.save()
            items[5].post, items[5].status = post, PlanItem.Status.DRAFTED
            items[5].save()
            from whitewall.approvals.services import approval_submit

            approval_submit(actor=marketing, document=post)  # pending in the operations manager's inbox
            made += 1
            continue
        post.save()
        made += 1
    # Engagement for analytics, only when nobody else seeded any.
    past = 0
    if not PostViewDay.objects.exists():
        viewers = list(User.objects.filter(is_active=True).order_by("pk")[:20]) or [operator, marketing]
        for i, title in enumerate(PAST_TITLES):
            day = today - datetime.timedelta(days=3 + i * 3)
            published = _local(day, rng.choice([8, 9, 12, 18, 20, 21]), rng.randint(0, 50))
            post = Post.objects.create(
                title=title, topic=rng.choice(list(topics.values())), body=f"{title}：详情见正文。",
                source=Post.Source.STAFF, status=Post.Status.PUBLISHED, author=marketing, display_name="运营团队",
                submitted_at=published - datetime.timedelta(hours=rng.randint(3, 30)),
                reviewed_at=published - datetime.timedelta(hours=1), reviewed_by=staff.get("ops_manager"),
                scheduled_for=published, published_at=published,
            )  # fmt: skip
            views = 0
            rows = []
            for d in range((today - day).days + 1):
                n = max(0, int(rng.gauss(120 / (d + 1), 10)))
                views += n
                rows.append(PostViewDay(post=post, day=day + datetime.timedelta(days=d), views=n))
            PostViewDay.objects.bulk_create(rows)
            likers = viewers[: rng.randint(1, len(viewers))]
            likes = PostLike.objects.bulk_create([PostLike(post=post, user=u) for u in likers])
            for like in likes:  # liked over the days after publication, not all at seeding time
                when = published + datetime.timedelta(hours=rng.randint(1, 72))
                PostLike.objects.filter(pk=like.pk).update(created=min(when, timezone.now()))
            comments = [Comment(post=post, body=rng.choice(["支持！", "很有用，谢谢分享", "希望多办几次"]), status="published",
                                author=rng.choice(viewers), published_at=published) for _ in range(rng.randint(0, 4))]  # fmt: skip
            for comment in Comment.objects.bulk_create(comments):
                when = min(published + datetime.timedelta(hours=rng.randint(1, 48)), timezone.now())
                Comment.objects.filter(pk=comment.pk).update(created=when, published_at=when)
            Post.objects.filter(pk=post.pk).update(
                view_count=views, like_count=len(likers), comment_count=len(comments)
            )
            past += 1
    return f"publishing plan: {len(items)} plan items, {made} staff posts, {past} past posts with engagement"
