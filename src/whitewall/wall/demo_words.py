"""Demo word lists: what a Chinese content-operations team really screens for.

Phone numbers, ID numbers and other patterns are not words and are not faked here: the screener
matches words. The privacy list holds the words people use when they expose someone (人肉, 开盒).
"""

from __future__ import annotations

from whitewall.accounts.models import User
from whitewall.wall.models import WhitelistTerm, Word, WordList

LISTS = [
    (
        "广告与引流",
        "站外引流、微商广告、刷单兼职。命中后进入人工审核。",
        "review",
        "",
        [
            "加微信",
            "加v",
            "加vx",
            "威信",
            "私聊领取",
            "扫码进群",
            "兼职刷单",
            "日赚千元",
            "代理招募",
            "微商货源",
            "免费领取",
            "点击链接",
            "淘宝刷单",
            "返利群",
        ],
    ),
    (
        "诈骗",
        "常见诈骗话术。命中后直接拦截，不予发布。",
        "block",
        "",
        [
            "刷单返利",
            "安全账户",
            "冻结资金",
            "解冻费",
            "博彩",
            "网赌",
            "casino",
            "裸聊",
            "贷款秒批",
            "无抵押贷款",
            "内幕消息",
            "稳赚不赔",
            "传销",
            "资金盘",
        ],
    ),
    (
        "辱骂",
        "人身攻击与脏话。命中后用 *** 替换。",
        "replace",
        "***",
        ["傻逼", "煞笔", "脑残", "废物", "滚蛋", "去死", "白痴", "弱智", "贱人", "狗东西"],
    ),
    (
        "隐私",
        "曝光他人隐私的说法。命中后标记，由审核员留意。",
        "flag",
        "",
        ["人肉搜索", "开盒", "家庭住址", "身份证号", "手机号码", "曝光隐私"],
    ),
]

WHITELIST = [
    ("传销举报热线", "举报渠道，不是传销本身"),
    ("反诈骗", "宣传反诈的内容"),
    ("防范网赌", "提醒防范，不是推广"),
    ("打击传销", "新闻与宣传"),
]


def seed_words() -> str:
    author = User.objects.filter(username="reviewer").first()
    words = 0
    for name, description, action, replacement, terms in LISTS:
        word_list = WordList.objects.create(
            name=name, description=description, action=action, replacement=replacement, created_by=author
        )
        for term in terms:
            Word.objects.create(word_list=word_list, term=term, created_by=author)
            words += 1
    for term, note in WHITELIST:
        WhitelistTerm.objects.create(term=term, note=note, created_by=author)
    return f"{len(LISTS)} word lists with {words} words, {len(WHITELIST)} whitelisted terms"
