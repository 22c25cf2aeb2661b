"""screen(): hits, original offsets, whitelist, action precedence, replacement, highlighting."""

import pytest

from whitewall.wall.screening import highlight_html, screen, screen_many

pytestmark = pytest.mark.django_db


def test_no_lists_passes_everything():
    result = screen("随便写点什么")
    assert result.action == "pass"
    assert result.text == "随便写点什么"
    assert result.hits == ()


def test_traditional_and_noise_hit_with_original_offsets(make_list):
    make_list("诈骗", "block", ["传销"])
    text = "有人在搞 傳*銷，小心"
    result = screen(text)
    assert result.action == "block"
    [hit] = result.hits
    assert (hit.word, hit.list_name, hit.action) == ("传销", "诈骗", "block")
    assert text[hit.start : hit.end] == "傳*銷" == hit.matched


@pytest.mark.parametrize("text", ["传 销", "传*销", "傳銷", "传\u200b销", "传🔥销"])
def test_variants_hit(make_list, text):
    make_list("诈骗", "block", ["传销"])
    assert screen(f"关于{text}的事").action == "block"


@pytest.mark.parametrize("text", ["ｃａｓｉｎｏ", "C-a-s-i-n-o", "CASINO", "go to casino now", "线上casino"])
def test_latin_variants_hit(make_list, text):
    make_list("诈骗", "block", ["casino"])
    result = screen(text)
    assert result.action == "block"
    assert normalize_hit(result) == "casino"


def normalize_hit(result):
    from whitewall.wall.screening.normalize import normalize

    return normalize(result.hits[0].matched)


def test_latin_word_inside_a_longer_latin_word_does_not_hit(make_list):
    make_list("辱骂", "flag", ["sex", "qq"])
    assert screen("Essex county").action == "pass"
    assert screen("Sussex").action == "pass"
    assert screen("s-e-x").action == "flag"
    assert screen("加qq12345").action == "flag"  # digits after a Latin word do not protect it


def test_whitelist_drops_hits_inside_a_whitelisted_span(make_list, whitelist):
    make_list("诈骗", "block", ["传销"])
    whitelist("传销举报热线")
    assert screen("请拨打传销举报热线").action == "pass"
    assert screen("请拨打傳銷舉報熱線").action == "pass"  # the whitelist is normalised too
    # The same word outside the whitelisted span still counts.
    result = screen("传销举报热线说：这是传销")
    assert result.action == "block"
    assert [h.start for h in result.hits] == [10]


def test_strongest_action_wins(make_list):
    make_list("标记", "flag", ["隐私"])
    make_list("替换", "replace", ["笨蛋"])
    make_list("审核", "review", ["加微信"])
    make_list("拦截", "block", ["网赌"])
    assert screen("隐私").action == "flag"
    assert screen("隐私 笨蛋").action == "replace"
    assert screen("笨蛋 加微信 隐私").action == "review"
    assert screen("加微信 网赌 笨蛋").action == "block"


def test_word_action_overrides_list_action(make_list):
    make_list("广告", "flag", ["代理", ("刷单返利", "block")])
    assert screen("招代理").action == "flag"
    assert screen("刷单返利").action == "block"


def test_inactive_list_is_not_used(make_list):
    make_list("停用", "block", ["传销"], is_active=False)
    assert screen("传销").action == "pass"


def test_replace_rewrites_the_original_span(make_list):
    make_list("辱骂", "replace", ["笨蛋"], replacement="[已屏蔽]")
    make_list("脏话", "replace", ["傻瓜"])
    result = screen("你这个笨*蛋，还有傻瓜！")
    assert result.action == "replace"
    assert result.text == "你这个[已屏蔽]，还有**！"


def test_overlapping_hits_are_all_reported_and_merged_when_rewriting(make_list):
    make_list("辱骂", "replace", ["死胖子", "胖子"])
    result = screen("你个死胖子")
    assert sorted((h.word, h.start, h.end) for h in result.hits) == [("死胖子", 2, 5), ("胖子", 3, 5)]
    assert result.text == "你个***"


def test_same_word_in_two_lists_reports_both(make_list):
    make_list("一", "flag", ["传销"])
    make_list("二", "review", ["傳銷"])
    result = screen("传销")
    assert {h.list_name for h in result.hits} == {"一", "二"}
    assert result.action == "review"


def test_highlight_escapes_html_and_marks_hits(make_list):
    make_list("诈骗", "block", ["传销"])
    result = screen('<script>alert("传销")</script>')
    html = result.highlighted()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert '<mark class="ww-hit ww-hit-block" title="诈骗: 传销">传销</mark>' in html
    assert highlight_html("a<b", ()) == "a&lt;b"


def test_screen_many(make_list):
    make_list("诈骗", "block", ["传销"])
    results = screen_many(["传销", "正常", "傳銷"])
    assert [r.action for r in results] == ["block", "pass", "block"]
    assert len({r.version for r in results}) == 1


def test_hits_offsets_with_astral_characters(make_list):
    make_list("诈骗", "block", ["传销"])
    text = "😀😀 𠀀 传😀销"
    [hit] = screen(text).hits
    assert text[hit.start : hit.end] == "传😀销"
