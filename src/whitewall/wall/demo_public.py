"""Demo data for the public wall: topics, tags, wall users, several hundred published posts over the
past 90 days with views, likes and comments, pending submissions, reports and feedback.

Fast: everything is written with ``bulk_create`` (public engagement is counted, not audited)."""

from __future__ import annotations

import datetime
import random

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from whitewall.accounts.models import User
from whitewall.core.demo import demo_password
from whitewall.core.encryption import encrypt
from whitewall.wall.models import Comment, Feedback, Post, PostLike, PostViewDay, Report, Tag, Topic
from whitewall.wall.visitor import Visitor

TOPICS = [
    # name, slug, description
    ("校园生活", "campus-life", "食堂、宿舍、社团和日常琐事"),
    ("学习交流", "study", "课程、考试、图书馆与学习方法"),
    ("失物招领", "lost-and-found", "丢了什么、捡到什么，都可以在这里说"),
    ("校园安全", "campus-safety", "安全隐患、防诈骗提醒与求助"),
    ("二手闲置", "second-hand", "闲置物品转让与求购"),
    ("表白与吐槽", "confessions", "说出心里话，请文明表达"),
    ("活动通知", "events", "讲座、比赛、志愿活动"),
]
TAGS = [
    "食堂",
    "宿舍",
    "图书馆",
    "考研",
    "四六级",
    "防诈骗",
    "快递",
    "社团",
    "运动会",
    "志愿者",
    "夜跑",
    "实习",
    "毕业季",
    "猫咪",
]

WALL_USERS = [
    ("xiaoyu", "林小雨"),
    ("ahao", "陈浩然"),
    ("mengmeng", "张萌萌"),
    ("dawei", "王大伟"),
    ("tiantian", "刘甜甜"),
    ("jiaqi", "周佳琪"),
    ("zihan", "吴子涵"),
    ("yifan", "郑一凡"),
    ("ruoxi", "孙若曦"),
    ("haoyu", "赵浩宇"),
    ("xinyi", "钱欣怡"),
    ("junjie", "冯俊杰"),
    ("shiyu", "蒋诗雨"),
    ("kaiwen", "韩凯文"),
    ("yutong", "杨语桐"),
    ("zeyu", "朱泽宇"),
    ("anqi", "秦安琪"),
    ("bowen", "许博文"),
    ("lele", "何乐乐"),
    ("chenxi", "吕晨曦"),
]

OPENINGS = {
    "campus-life": [
        (
            "二食堂新开的麻辣香锅窗口",
            "今天中午去二食堂试了新开的麻辣香锅，分量挺足，十八块钱两个人都吃不完。就是排队有点久，建议错峰去。",
        ),
        (
            "宿舍楼热水又停了",
            "{building}号楼今晚十点以后又没有热水了，这周已经是第二次。有没有同学知道是什么原因？希望后勤能给个说法。",
        ),
        (
            "操场的路灯修好了",
            "之前反映过东操场路灯坏了好几盏，今天晚上去夜跑发现全部修好了，点个赞，感谢后勤的师傅们。",
        ),
        ("快递站搬家了", "提醒一下大家，南门快递站已经搬到学生活动中心一楼，取件时间改为早九点到晚八点。"),
        (
            "宿舍楼下的流浪猫",
            "{building}号楼下那只橘猫最近好像生病了，不太吃东西。有没有爱心社团的同学可以帮忙带去看看？",
        ),
    ],
    "study": [
        (
            "图书馆考研自习室占座问题",
            "每天早上七点不到，图书馆三楼就被书本占满了，但很多座位一整天都没人。希望图书馆能出台一个限时离座的规定。",
        ),
        (
            "高数期中复习资料分享",
            "整理了一份高数期中的复习提纲，包括极限、导数和积分的常见题型，需要的同学可以在评论区留言。",
        ),
        ("四六级报名提醒", "本学期四六级报名截止到{day}号，还没报名的同学抓紧时间，别像我去年一样错过了。"),
        ("有没有一起备考的研友", "目标是本校计算机专业，数学一加英语一。想找两三个同学一起打卡，互相监督。"),
    ],
    "lost-and-found": [
        ("捡到一张校园卡", "在三教二楼捡到一张校园卡，姓{surname}，已经交到一楼值班室，失主请尽快去领取。"),
        (
            "丢失黑色双肩包",
            "昨天下午在图书馆一楼丢了一个黑色双肩包，里面有笔记本电脑和课本，如有捡到请联系我，必有重谢。",
        ),
        (
            "雨伞拿错了",
            "今天在食堂门口可能拿错了一把蓝色格子雨伞，我的是纯黑色的，有同学发现拿错了可以在这里说一声。",
        ),
    ],
    "campus-safety": [
        (
            "警惕冒充辅导员的诈骗电话",
            "最近有同学接到自称辅导员的电话，要求转账缴纳所谓的资料费。大家一定要核实身份，学校从来不会电话要求转账。",
        ),
        (
            "北门外的路口太危险",
            "北门外的十字路口没有红绿灯，早晚高峰电动车和汽车抢道，已经发生好几次剐蹭。希望能加装信号灯或者安排人员疏导。",
        ),
        (
            "宿舍用电安全提醒",
            "昨天隔壁宿舍用违规电器跳闸了，好在没出事。天冷了大家别用大功率电器，安全第一。",
        ),
        (
            "兼职刷单都是骗局",
            "室友差点被所谓的刷单兼职骗了，先让你垫钱再返利，千万别信。遇到类似情况可以拨打反诈热线。",
        ),
    ],
    "second-hand": [
        ("出一台九成新的台灯", "毕业清东西，出一台护眼台灯，用了一年，三十元自提，地点在{building}号楼。"),
        ("求购二手自行车", "想买一辆二手自行车代步，预算两百以内，能骑就行，有意向的同学可以联系。"),
        ("考研书籍打包转让", "去年考研用过的全套数学和英语资料，笔记不多，五十元打包带走。"),
    ],
    "confessions": [
        (
            "给图书馆那位借我充电宝的同学",
            "上周四晚上在图书馆二楼，手机没电了，是你借我充电宝还不要我请喝奶茶。一直想说声谢谢，希望你能看到。",
        ),
        (
            "吐槽一下选课系统",
            "每次选课系统都卡到崩溃，刷新半小时还进不去，好不容易进去了课都满了。希望学校能升级一下服务器。",
        ),
        ("毕业前想说的话", "四年很快，感谢室友们的包容和照顾。不管以后在哪里，都要好好的。"),
    ],
    "events": [
        (
            "周末志愿者招募",
            "本周六上午社区敬老院志愿活动还缺五名志愿者，主要是陪老人聊天和打扫卫生，可以计志愿时长。",
        ),
        ("校园歌手大赛报名开始", "一年一度的校园歌手大赛开始报名了，初赛在{day}号晚上，欢迎大家踊跃参加。"),
        ("秋季运动会项目报名", "运动会报名截止到本周五，今年新增了趣味接力和拔河，欢迎各班组队参加。"),
        (
            "职业规划讲座预告",
            "下周三下午两点在学术报告厅有一场职业规划讲座，请到了几位往届校友分享求职经验。",
        ),
    ],
}
CLOSINGS = ["", "大家怎么看？", "希望能被看到。", "谢谢大家！", "有同样情况的同学可以在评论区说说。", ""]
COMMENTS = [
    "同感，我也遇到过。",
    "谢谢提醒！",
    "支持一下。",
    "已经转发给室友了。",
    "希望学校能重视。",
    "楼主说得对。",
    "我知道这个，上周也是这样。",
    "有后续了记得更新。",
    "太真实了哈哈。",
    "加油！",
    "求资料，已私信。",
    "这个建议很好。",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"


def _text(rng: random.Random, slug: str) -> tuple[str, str]:
    title, body = rng.choice(OPENINGS[slug])
    body = body.format(building=rng.randint(1, 16), day=rng.randint(5, 28), surname=rng.choice(SURNAMES))
    closing = rng.choice(CLOSINGS)
    return title, f"{body}{closing}"


def seed_public_wall() -> str:
    if Topic.objects.filter(slug="campus-safety").exists():
        return "already present"
    rng = random.Random(20261125)  # noqa: S311 - demo data, not security
    now = timezone.now()
    topics = Topic.objects.bulk_create(
        [Topic(name=n, slug=s, description=d, weight=(i + 1) * 10) for i, (n, s, d) in enumerate(TOPICS)]
    )
    by_slug = {t.slug: t for t in topics}
    tags = Tag.objects.bulk_create([Tag(name=name) for name in TAGS])
    password = make_password(demo_password())
    users = list(User.objects.filter(username="visitor"))
    users += User.objects.bulk_create(
        [User(username=u, full_name=n, email=f"{u}@example.com", password=password) for u, n in WALL_USERS]
    )
    from allauth.account.models import EmailAddress

    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users[1:]]
    )
    reviewer = User.objects.filter(username="reviewer").first()
    keys = {u.pk: Visitor(user=u).key for u in users}

    def identity(user, ip: str) -> str:
        return encrypt(Visitor(user=user, ip=ip, user_agent="Mozilla/5.0 (iPhone)").identity_json())

    # Published posts over the past 90 days, more recent days busier.
    posts = []
    for i in range(420):
        age = datetime.timedelta(days=rng.triangular(0, 90, 5), hours=rng.uniform(0, 6))
        published_at = now - age
        published_at = published_at.replace(hour=rng.randint(8, 21), minute=rng.randint(0, 59))
        if published_at > now:
            published_at -= datetime.timedelta(days=1)
        slug = rng.choice(list(OPENINGS))
        title, body = _text(rng, slug)
        author = rng.choice(users)
        anonymous = rng.random() < 0.35
        posts.append(
            Post(
                topic=by_slug[slug],
                title=title,
                body=body,
                status=Post.Status.PUBLISHED,
                author=None if anonymous else author,
                is_anonymous=anonymous,
                submitter_key=keys[author.pk],
                submitter_identity=identity(author, f"10.20.{i % 250}.{(i * 7) % 250}"),
                submitted_at=published_at - datetime.timedelta(hours=rng.uniform(1, 20)),
                reviewed_at=published_at - datetime.timedelta(minutes=rng.randint(10, 300)),
                reviewed_by=reviewer,
                screening_action="pass",
                published_at=published_at,
            )
        )
    posts = Post.objects.bulk_create(posts)
    through = Post.tags.through
    through.objects.bulk_create(
        [
            through(post_id=p.pk, tag_id=t.pk)
            for p in posts
            for t in rng.sample(tags, rng.choice((0, 1, 1, 2)))
        ]
    )

    # Views per day, likes and comments, with the posts' running totals to match.
    view_days, likes, comments = [], [], []
    today = timezone.localdate(now)
    for post in posts:
        first = timezone.localdate(post.published_at)
        days = min((today - first).days + 1, 10)
        total = 0
        for d in range(days):
            views = max(0, int(rng.gauss(120 / (d + 1), 20)))
            if views:
                view_days.append(PostViewDay(post=post, day=first + datetime.timedelta(days=d), views=views))
                total += views
        post.view_count = total
        likers = rng.sample(users, min(len(users), int(total * rng.uniform(0.01, 0.06))))
        # A like comes some time after publication (``created`` is auto_now_add: set after insert).
        for u in likers:
            like = PostLike(post=post, user=u)
            like.demo_at = min(post.published_at + datetime.timedelta(minutes=rng.randint(1, 2880)), now)
            likes.append(like)
        post.like_count = len(likers)
        n_comments = rng.choice((0, 0, 1, 2, 3, 5))
        for c in range(n_comments):
            commenter = rng.choice(users)
            at = post.published_at + datetime.timedelta(minutes=rng.randint(5, 600) * (c + 1))
            comments.append(
                Comment(
                    post=post,
                    body=rng.choice(COMMENTS),
                    status=Comment.Status.PUBLISHED,
                    author=commenter,
                    submitter_key=keys[commenter.pk],
                    published_at=min(at, now),
                    screening_action="pass",
                )
            )
        post.comment_count = n_comments
    PostViewDay.objects.bulk_create(view_days, batch_size=2000)
    PostLike.objects.bulk_create(likes, batch_size=2000)
    Comment.objects.bulk_create(comments, batch_size=2000)
    # Otherwise every like and comment is dated now: one day of the analytics would hold all the
    # engagement (an engagement rate of several hundred percent) and comments would show the seed time.
    for like in likes:
        like.created = like.demo_at
    for comment in comments:
        comment.created = comment.published_at
    PostLike.objects.bulk_update(likes, ["created"], batch_size=1000)
    Comment.objects.bulk_update(comments, ["created"], batch_size=1000)
    Post.objects.bulk_update(posts, ["view_count", "like_count", "comment_count"], batch_size=500)

    # The review queue: pending submissions, one with a sensitive word queued.
    pending = []
    for i in range(14):
        slug = rng.choice(list(OPENINGS))
        title, body = _text(rng, slug)
        author = rng.choice(users)
        hits = []
        reason = "新投稿"
        if i == 0:
            body = "有人在宿舍楼推销所谓的兼职刷单，说是先垫付再返利，大家别信。"
            hits = [{"word": "刷单", "list": "诈骗相关", "action": "review", "start": 16, "end": 18}]
            reason = "命中敏感词：刷单"
        pending.append(
            Post(
                topic=by_slug[slug],
                title=title,
                body=body,
                status=Post.Status.PENDING,
                author=author if i % 3 else None,
                is_anonymous=not i % 3,
                submitter_key=keys[author.pk],
                submitter_identity=identity(author, f"10.30.0.{i + 1}"),
                submitted_at=now - datetime.timedelta(hours=rng.uniform(0.2, 30)),
                screening_action="review" if hits else "pass",
                screening_hits=hits,
                queue_reason=reason,
            )
        )
    Post.objects.bulk_create(pending)

    # Reports (open and handled) and feedback (answered and waiting).
    reports = []
    recent = sorted(posts, key=lambda p: p.published_at, reverse=True)[:40]
    for i, post in enumerate(rng.sample(recent, 8)):
        reporter = users[(i * 3 + 1) % len(users)]
        handled = i >= 5
        reports.append(
            Report(
                post=post,
                reason=rng.choice(Report.Reason.values),
                detail=rng.choice(["内容涉及他人隐私", "疑似广告", "言辞过激", ""]),
                reporter=reporter,
                reporter_key=keys[reporter.pk],
                weight=1,
                status=Report.Status.DISMISSED if handled else Report.Status.OPEN,
                due_at=now + datetime.timedelta(hours=24 - i * 5),
                handled_by=User.objects.filter(username="reviewer").first() if handled else None,
                handled_at=now - datetime.timedelta(hours=i) if handled else None,
                resolution_note="经核实内容无违规" if handled else "",
            )
        )
    Report.objects.bulk_create(reports)
    for report in reports:
        if report.status == Report.Status.OPEN:
            Post.objects.filter(pk=report.post_id).update(report_score=report.weight)
    feedback_rows = [
        ("complaint", "我的投稿被拒绝了但没说原因", "上周投的失物招领被拒了，能告诉我具体原因吗？", True),
        ("feedback", "建议增加按话题订阅", "希望能只看自己关心的话题，比如校园安全。", True),
        ("help", "匿名发帖会不会被别人知道是我", "想发一条关于宿舍的吐槽，但担心被认出来。", True),
        ("complaint", "有帖子泄露了我的手机号", "有人在二手闲置里贴了我的电话，请尽快处理。", False),
        ("feedback", "页面在手机上很好用", "夸一下，手机上看很清楚，加载也快。", False),
        ("complaint", "举报后没有回复", "三天前举报了一条广告帖，到现在也没有结果。", False),
    ]
    operator = User.objects.filter(username="operator").first()
    replies = {
        0: "您好，投稿因包含他人联系方式被退回，删除后可重新投稿。",
        1: "感谢建议，话题订阅已列入下一阶段计划。",
        2: "匿名帖子不会显示您的身份，只有经授权的管理员在必要时才能查看且会留下记录。",
    }
    Feedback.objects.bulk_create(
        [
            Feedback(
                kind=kind,
                user=users[(i * 5 + 2) % len(users)],
                subject=subject,
                body=body,
                status=Feedback.Status.ANSWERED if answered else Feedback.Status.OPEN,
                due_at=now + datetime.timedelta(hours=48 - i * 12),
                reply=replies.get(i, ""),
                replied_by=operator if answered else None,
                replied_at=now - datetime.timedelta(hours=i + 1) if answered else None,
                resolution=Feedback.Resolution.EXPLAINED if answered else "",
            )
            for i, (kind, subject, body, answered) in enumerate(feedback_rows)
        ]
    )
    return (
        f"{len(topics)} topics, {len(posts)} published posts, {len(pending)} pending, {len(comments)} comments, "
        f"{len(likes)} likes, {len(view_days)} daily view rows, {len(reports)} reports, {len(feedback_rows)} messages"
    )
