"""Demo data for content operations: a review queue with word hits, open reports, open complaints,
a take-down request and an item flagged by a new word list. Runs after the organisation seeder;
uses the wall's published posts when there are some, and writes a few of its own otherwise."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from whitewall.core.demo import demo_password
from whitewall.core.encryption import blind_index

WALL_USERS = [
    ("chen.xiaoyu", "陈晓雨"),
    ("li.mingzhe", "李明哲"),
    ("wang.shuang", "王爽"),
    ("zhang.yifan", "张一帆"),
]

TOPICS = [
    ("campus-life", "校园生活"),
    ("campus-safety", "校园安全"),
    ("second-hand", "二手交易"),
    ("lost-and-found", "失物招领"),
]

PUBLISHED = [
    (
        "campus-life",
        "图书馆三楼新开了自习区",
        "图书馆三楼东侧新开了二十个自习座位，带插座和台灯，早上八点开放，欢迎大家去体验。",
    ),
    (
        "lost-and-found",
        "捡到一张校园卡",
        "今天中午在二食堂门口捡到一张校园卡，姓名是刘同学，已经交到一楼服务台。",
    ),
    (
        "second-hand",
        "出一台九成新的自行车",
        "毕业出一台九成新的自行车，带车锁和车筐，价格面议，可以在南门看车。",
    ),
    (
        "campus-life",
        "周末篮球赛招募队员",
        "周六下午三点在东区篮球场打友谊赛，还差两个人，有兴趣的同学留言报名。",
    ),
    (
        "campus-life",
        "食堂新出的麻辣香锅真不错",
        "二食堂新出的麻辣香锅分量足，味道也好，推荐给大家，中午人多建议早点去。",
    ),
    ("second-hand", "转让考研资料", "整套考研数学和英语资料转让，笔记很全，需要的同学联系我。"),
]

PENDING = [
    (
        "second-hand",
        "低价出售代考服务",
        "专业代考，四六级包过，加微信详谈，价格优惠。",
        ["代考", "包过"],
        "review",
        "敏感词命中：需要人工审核",
        30,
    ),
    (
        "campus-life",
        "宿舍楼热水又停了",
        "五号楼这周已经第三次停热水了，希望后勤尽快修好，冬天洗冷水澡实在受不了。",
        [],
        "pass",
        "投稿先审后发",
        20,
    ),
    (
        "campus-safety",
        "晚上北门附近路灯不亮",
        "北门到三号宿舍楼之间有好几盏路灯坏了，晚上走路很黑，建议尽快维修，注意安全。",
        [],
        "pass",
        "校园安全话题需要二次审核",
        12,
    ),
    (
        "second-hand",
        "兼职刷单日结",
        "在家兼职刷单，日结工资，一单五元，有意者私聊。",
        ["刷单"],
        "review",
        "敏感词命中：需要人工审核",
        9,
    ),
    (
        "campus-life",
        "期末复习小组",
        "想组一个期末高数复习小组，每周两次，在图书馆讨论，欢迎加入。",
        [],
        "pass",
        "投稿先审后发",
        5,
    ),
    (
        "lost-and-found",
        "丢失一副蓝牙耳机",
        "昨天在体育馆丢了一副白色蓝牙耳机，有捡到的同学麻烦联系我，万分感谢。",
        [],
        "pass",
        "投稿先审后发",
        2,
    ),
    (
        "campus-life",
        "某老师上课太水了",
        "某门课的老师上课只念课件，作业也不批改，大家觉得怎么样？",
        ["太水"],
        "flag",
        "敏感词命中：仅标记",
        1,
    ),
]

PENDING_COMMENTS = [
    ("同去同去，我也想参加篮球赛！", [], "pass"),
    ("这车多少钱？加我微信私聊，顺便看看我的代购。", ["代购"], "review"),
    ("校园卡是我的，谢谢好心人！", [], "pass"),
]

FEEDBACK = [
    (
        "complaint",
        "我的投稿被驳回但没有说明原因",
        "上周投的稿件被驳回了，页面上看不到具体原因，希望能解释一下。",
        -10,
        None,
    ),
    ("complaint", "有人冒用我的名字发帖", "墙上有一条帖子署名是我，但不是我发的，请尽快处理。", 30, None),
    ("feedback", "希望增加夜间模式", "晚上看白墙有点刺眼，能不能加一个夜间模式？", 40, None),
    ("help", "忘记了登录邮箱", "我换了手机号，不记得注册时用的邮箱，该怎么找回账号？", 5, None),
    (
        "complaint",
        "举报处理太慢",
        "我两天前举报的广告帖现在还在，希望加快处理。",
        -30,
        "已经处理完毕并下架了相关帖子，感谢你的举报。",
    ),
]


def _hits(body: str, words: list[str], action: str, list_name: str = "广告与违规") -> list[dict]:
    hits = []
    for word_id, word in enumerate(words, start=1):
        start = body.find(word)
        if start >= 0:
            hits.append(
                {
                    "word": word,
                    "word_id": word_id,
                    "list_name": list_name,
                    "list_id": 1,
                    "action": action,
                    "start": start,
                    "end": start + len(word),
                    "matched": word,
                }
            )
    return hits


def _identity(user) -> str:
    return json.dumps(
        {"user_id": user.pk, "username": user.username, "guest": False, "ip": "", "user_agent": ""}
    )


def seed_review() -> str:
    from whitewall.wall.models import Comment, Feedback, Post, Report, Topic

    if Feedback.objects.filter(subject=FEEDBACK[0][1]).exists():
        return "already present"
    User = get_user_model()
    now = timezone.now()
    reviewer = User.objects.filter(username="reviewer").first()
    authors = []
    for username, full_name in WALL_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username,
                email=f"{username}@example.com",
                password=demo_password(),
                full_name=full_name,
            )
        authors.append(user)
    topics = {}
    for weight, (slug, name) in enumerate(TOPICS):
        topic = Topic.objects.filter(slug=slug).first() or Topic.objects.filter(name=name).first()
        topics[slug] = topic or Topic.objects.create(slug=slug, name=name, weight=weight * 10)

    published = list(Post.objects.filter(status=Post.Status.PUBLISHED).order_by("-published_at")[:6])
    if len(published) < 4:
        for index, (slug, title, body) in enumerate(PUBLISHED):
            author = authors[index % len(authors)]
            at = now - datetime.timedelta(days=index + 1, hours=3)
            published.append(
                Post.objects.create(
                    topic=topics[slug],
                    title=title,
                    body=body,
                    author=author,
                    display_name=author.get_full_name(),
                    submitter_key=blind_index(f"user:{author.pk}"),
                    submitter_identity=_identity(author),
                    status=Post.Status.PUBLISHED,
                    submitted_at=at,
                    reviewed_by=reviewer,
                    reviewed_at=at + datetime.timedelta(hours=1),
                    published_at=at + datetime.timedelta(hours=2),
                    screening_action="pass",
                )
            )

    for index, (slug, title, body, words, action, reason, hours) in enumerate(PENDING):
        author = authors[index % len(authors)]
        anonymous = index % 3 == 0
        Post.objects.create(
            topic=topics[slug],
            title=title,
            body=body,
            author=None if anonymous else author,
            is_anonymous=anonymous,
            display_name="" if anonymous else author.get_full_name(),
            submitter_key=blind_index(f"user:{author.pk}"),
            submitter_identity=_identity(author),
            status=Post.Status.PENDING,
            submitted_at=now - datetime.timedelta(hours=hours),
            screening_action=action,
            screening_hits=_hits(body, words, action),
            queue_reason=reason,
        )
    for index, (body, words, action) in enumerate(PENDING_COMMENTS):
        author = authors[(index + 1) % len(authors)]
        Comment.objects.create(
            post=published[index % len(published)],
            body=body,
            author=author,
            display_name=author.get_full_name(),
            submitter_key=blind_index(f"user:{author.pk}"),
            submitter_identity=_identity(author),
            screening_action=action,
            screening_hits=_hits(body, words, action),
            queue_reason="敏感词命中：需要人工审核" if words else "评论先审后发",
        )

    # Reports: two items with open reports (one over the threshold and hidden, one overdue).
    reported, flagged, requested = published[0], published[1], published[2]
    spam = published[3]
    for index, user in enumerate(authors[:3]):
        Report.objects.create(
            post=spam,
            reason=Report.Reason.SPAM,
            detail="这是广告帖，反复出现。",
            reporter=user,
            reporter_key=blind_index(f"user:{user.pk}"),
            weight=Decimal("1.00"),
            due_at=now + datetime.timedelta(hours=20 - index),
        )
    Post.objects.filter(pk=spam.pk).update(
        report_score=Decimal("3.00"), hidden_at=now - datetime.timedelta(hours=2)
    )
    Report.objects.create(
        post=reported,
        reason=Report.Reason.PRIVACY,
        detail="帖子里提到了同学的真实姓名。",
        reporter=authors[3],
        reporter_key=blind_index(f"user:{authors[3].pk}"),
        weight=Decimal("1.00"),
        due_at=now - datetime.timedelta(hours=3),
    )
    Post.objects.filter(pk=reported.pk).update(report_score=Decimal("1.00"))
    # A published post that a new word list flagged, and an author asking for a take-down.
    Post.objects.filter(pk=flagged.pk).update(
        flagged_at=now - datetime.timedelta(hours=1),
        queue_reason="词库变更：校园卡",
        screening_action="review",
        screening_hits=_hits(flagged.body, ["校园卡"], "review", "个人信息"),
    )
    Post.objects.filter(pk=requested.pk).update(
        takedown_requested_at=now - datetime.timedelta(hours=5),
        takedown_request_reason="车已经卖出去了，请帮忙下架。",
    )

    operator = User.objects.filter(username="operator").first()
    for index, (kind, subject, body, due_hours, reply) in enumerate(FEEDBACK):
        created = (
            now - datetime.timedelta(hours=48 - due_hours)
            if due_hours > 0
            else now + datetime.timedelta(hours=due_hours - 48)
        )
        feedback = Feedback.objects.create(
            kind=kind,
            user=authors[index % len(authors)],
            subject=subject,
            body=body,
            due_at=now + datetime.timedelta(hours=due_hours),
        )
        Feedback.objects.filter(pk=feedback.pk).update(created=created)
        if reply and operator is not None:
            Feedback.objects.filter(pk=feedback.pk).update(
                reply=reply,
                replied_by=operator,
                replied_at=now + datetime.timedelta(hours=due_hours - 2),
                status=Feedback.Status.ANSWERED,
                resolution=Feedback.Resolution.CONTENT_REMOVED,
            )
    return (
        f"{len(PENDING)} posts and {len(PENDING_COMMENTS)} comments waiting for review, 2 reported items, "
        f"{len(FEEDBACK)} feedback items"
    )
