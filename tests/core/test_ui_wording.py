"""What people read in the console: no codes, no placeholder dashes, words that fit the page."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext, pgettext

from whitewall.approvals.filtersets import ApprovalRequestFilterSet
from whitewall.approvals.models import ApprovalRequest


def test_choice_filters_offer_any_rather_than_dashes():
    filterset = ApprovalRequestFilterSet({}, queryset=ApprovalRequest.objects.none())
    with translation.override("zh-hans"):
        html = str(filterset.form["status"])
    assert "---------" not in html
    assert '<option value="" selected>全部</option>' in html


@pytest.mark.parametrize(
    ("msgid", "expected"),
    [
        # Tab, menu and column labels, not counts ("举报数" read as "number of reports").
        ("Reports", "举报"),
        ("Posts", "帖子"),
        ("Comments", "评论"),
        ("Likes", "点赞"),
        # Claims and posts are both "submitted": not "投稿时间" (a wall word) on a claim.
        ("submitted at", "提交时间"),
    ],
)
def test_chinese_labels(msgid, expected):
    with translation.override("zh-hans"):
        assert gettext(msgid) == expected


def test_date_range_from_is_not_a_person():
    with translation.override("zh-hans"):
        assert pgettext("date range", "from") == "从"


@pytest.mark.django_db
def test_demo_accounts_are_listed_in_one_language():
    call_command("seed_demo", stdout=io.StringIO())
    out = io.StringIO()
    with translation.override("zh-hans"):
        call_command("demo_accounts", stdout=out)
    text = out.getvalue()
    assert "首次登录时设置双因素认证" in text
    assert "sets up two-factor" not in text


def test_screening_action_badge_shows_a_label():
    from django.template import Context, Template

    template = Template("{% load wall_public %}{{ a|screen_action_label }}|{{ b|screen_action_label }}")
    with translation.override("en"):
        assert template.render(Context({"a": "review", "b": "flag"})) == "Require review|Flag"


@pytest.mark.django_db
def test_commitment_names_its_document_kind_not_the_model_code():
    from django.contrib.contenttypes.models import ContentType

    from whitewall.finance.models import Commitment, PurchaseRequest

    commitment = Commitment(content_type=ContentType.objects.get_for_model(PurchaseRequest), object_id=7)
    with translation.override("en"):
        assert str(commitment) == "Purchase request #7"
    with translation.override("zh-hans"):
        assert str(commitment) == "采购申请 #7"


@pytest.mark.django_db
def test_role_filters_offer_role_names_not_codes():
    from whitewall.accounts.filtersets import StaffProfileFilterSet, UserFilterSet
    from whitewall.accounts.models import StaffProfile, User

    with translation.override("zh-hans"):
        for filterset in (
            StaffProfileFilterSet({}, queryset=StaffProfile.objects.none()),
            UserFilterSet({}, queryset=User.objects.none()),
        ):
            html = str(filterset.form["role"])
            assert "安全专员" in html
            assert ">security_officer<" not in html


def test_skipped_tier_names_its_condition_in_words():
    from whitewall.approvals.services import _condition_text
    from whitewall.finance.models import Claim

    tier = {
        "conditions": [
            {"field": "amount", "op": ">", "value": 10000},
            {"field": "exceeds_standard", "op": "==", "value": True},
        ]
    }
    with translation.override("en"):
        assert _condition_text(tier, Claim()) == "amount > 10000, exceeds a standard == yes"
    with translation.override("zh-hans"):
        text = _condition_text(tier, Claim())
    assert "exceeds_standard" not in text and "True" not in text


def test_a_wall_comment_is_not_an_approval_opinion():
    with translation.override("zh-hans"):
        assert gettext("comment") == "评论"
        assert pgettext("approval decision", "comment") == "意见"


def test_a_periodic_run_reads_with_its_label_in_local_time(settings):
    import datetime

    from whitewall.core.jobs import periodic_tasks
    from whitewall.core.models import PeriodicRun

    spec = periodic_tasks()[0]
    slot = datetime.datetime(2026, 11, 25, 10, 42, tzinfo=datetime.UTC)
    settings.TIME_ZONE = "Asia/Shanghai"
    with translation.override("en"):
        assert str(PeriodicRun(name=spec.name, slot=slot)) == f"{spec.label} @ 2026-11-25 18:42"


def test_large_counts_are_grouped_in_thousands():
    from django.template import Context, Template
    from django.template.loader import get_template

    source = get_template("wall/analytics.html").template.source
    assert 'data-testid="figure-views">{{ figures.views|grouped }}' in source
    template = Template("{% load ww %}{{ n|grouped }} {{ small|grouped }} {{ text|grouped }}")
    with translation.override("zh-hans"):
        assert template.render(Context({"n": 77350, "small": 170, "text": "–"})) == "77,350 170 –"


def test_an_api_token_in_force_is_not_an_employee_in_post():
    """The word "active" of a token (有效), of a switch (启用) and of a staff member (在职) differs."""
    from whitewall.finance.models import BudgetCategory
    from whitewall.wall.models import Topic

    with translation.override("zh-hans"):
        assert pgettext("in force", "active") == "有效"
        assert str(BudgetCategory._meta.get_field("is_active").verbose_name) == "启用"
        assert str(Topic._meta.get_field("is_active").verbose_name) == "启用"
        assert gettext("active") == "在职"


@pytest.mark.django_db
def test_the_menu_marks_only_the_current_page(client):
    """/console/approvals/requests/ ("all approvals") lies under /console/approvals/ ("my
    approvals"): only the longer of the two is the current page."""
    import re

    from django.contrib.auth.models import Group
    from django.urls import reverse

    from whitewall.accounts.models import User
    from whitewall.core.testing import login

    auditor = User.objects.create_user(username="menu_auditor", is_staff=True)
    auditor.groups.add(Group.objects.get(name="auditor"))
    login(client, auditor)
    response = client.get(reverse("approvals:approvalrequest_list"))
    assert response.status_code == 200
    html = response.content.decode()
    active = re.findall(r'class="nav-link active" href="([^"]+)" data-testid="menu-item"', html)
    assert active == [reverse("approvals:approvalrequest_list")]
    assert f'href="{reverse("approvals:inbox")}" data-testid="menu-item"' in html  # listed, not marked
