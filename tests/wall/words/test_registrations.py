"""Grants, menu, demo data and the 1.3.1 clause check."""

import pytest
from django.contrib.auth.models import Group

from whitewall.accounts.models import User
from whitewall.core.permissions import has_model_permission
from whitewall.regulation.checks import Status
from whitewall.wall.checks_words import sensitive_word_screening
from whitewall.wall.models import WhitelistTerm, Word, WordList

pytestmark = pytest.mark.django_db


def _user(role):
    user = User.objects.create_user(username=f"u-{role}", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.mark.parametrize("role", ["operations_manager", "content_reviewer"])
@pytest.mark.parametrize("model", [WordList, Word, WhitelistTerm])
def test_managers_and_reviewers_manage_lists(role, model):
    user = _user(role)
    for action in ("view", "add", "change", "delete"):
        assert has_model_permission(user, model, action)


@pytest.mark.parametrize("role", ["auditor", "operator"])
@pytest.mark.parametrize("model", [WordList, Word, WhitelistTerm])
def test_auditors_and_operators_only_read(role, model):
    user = _user(role)
    assert has_model_permission(user, model, "view")
    for action in ("add", "change", "delete"):
        assert not has_model_permission(user, model, action)


@pytest.mark.parametrize("role", ["marketing", "finance_officer", "hr_officer"])
def test_other_roles_see_nothing(role):
    assert not has_model_permission(_user(role), WordList, "view")


def test_demo_seeder(django_capture_on_commit_callbacks):
    from whitewall.wall.demo_words import seed_words
    from whitewall.wall.screening import cache, screen

    with django_capture_on_commit_callbacks(execute=True):
        summary = seed_words()
    assert "4 word lists" in summary
    assert set(WordList.objects.values_list("name", flat=True)) == {"广告与引流", "诈骗", "辱骂", "隐私"}
    cache.forget_local()
    assert screen("加我威信，带你刷单返利").action == "block"
    assert screen("遇到请拨打传销举报热线").action == "pass"
    assert screen("你这个脑残").text == "你这个***"
    assert screen("今天天气不错").action == "pass"


def test_clause_check_is_red_without_words():
    result = sensitive_word_screening()
    assert result.status == Status.RED
    assert result.evidence_url == "/console/wall/word-lists/"


def test_clause_check_is_amber_never_green_with_words():
    word_list = WordList.objects.create(name="诈骗", action="block")
    Word.objects.create(word_list=word_list, term="传销")
    result = sensitive_word_screening()
    assert result.status == Status.AMBER
    assert "moderation" in result.explanation
    assert result.figures["active_words"] == 1


def test_clause_check_ignores_inactive_lists():
    word_list = WordList.objects.create(name="诈骗", action="block", is_active=False)
    Word.objects.create(word_list=word_list, term="传销")
    assert sensitive_word_screening().status == Status.RED


def test_menu_group_content_operations():
    from whitewall.core.navigation import _groups

    group = _groups["wall"]
    assert [item.url_name for item in group.items][:3] == [
        "wall:wordlist_list",
        "wall:whitelistterm_list",
        "wall:words_try",
    ]
