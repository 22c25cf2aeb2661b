import pytest

from whitewall.wall.screening import cache as screening_cache


@pytest.fixture(autouse=True)
def _fresh_matcher():
    """The matcher is per process and outlives a test's rolled-back rows: start each test afresh."""
    screening_cache.forget_local()
    yield
    screening_cache.forget_local()


@pytest.fixture
def make_list(db, django_capture_on_commit_callbacks):
    """Make a list with words, committed (its on-commit work runs, as after a real commit)."""
    from whitewall.wall.models import Word, WordList

    def make(name, action, terms, replacement="", **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            word_list = WordList.objects.create(name=name, action=action, replacement=replacement, **kwargs)
            for term in terms:
                if isinstance(term, tuple):
                    Word.objects.create(word_list=word_list, term=term[0], action=term[1])
                else:
                    Word.objects.create(word_list=word_list, term=term)
        screening_cache.forget_local()
        return word_list

    return make


@pytest.fixture
def whitelist(db, django_capture_on_commit_callbacks):
    from whitewall.wall.models import WhitelistTerm

    def make(*terms):
        with django_capture_on_commit_callbacks(execute=True):
            for term in terms:
                WhitelistTerm.objects.create(term=term)
        screening_cache.forget_local()

    return make


@pytest.fixture
def reviewer(db):
    """A content reviewer with the default grants (they manage word lists)."""
    from django.contrib.auth.models import Group

    from whitewall.accounts.models import User

    user = User.objects.create_user(username="wang.yutong", password="x", is_staff=True, full_name="王雨桐")
    user.groups.add(Group.objects.get(name="content_reviewer"))
    return user


@pytest.fixture
def operator(db):
    from django.contrib.auth.models import Group

    from whitewall.accounts.models import User

    user = User.objects.create_user(username="chen.siyuan", password="x", is_staff=True, full_name="陈思远")
    user.groups.add(Group.objects.get(name="operator"))
    return user
