"""The matcher is rebuilt everywhere when a list changes: version key, on commit, once per change."""

import pytest
from django.core.cache import cache

from whitewall.wall.models import WhitelistTerm, Word, WordList
from whitewall.wall.screening import cache as screening_cache
from whitewall.wall.screening import screen, word_lists_changed
from whitewall.wall.services_words import word_delete, word_save, wordlist_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs["version"])

    word_lists_changed.connect(receiver, dispatch_uid="test-receiver")
    yield calls
    word_lists_changed.disconnect(dispatch_uid="test-receiver")


def test_a_change_in_another_process_is_picked_up_without_restart(make_list):
    word_list = make_list("诈骗", "block", ["传销"])
    assert screen("网赌").action == "pass"  # this process now holds a matcher
    built = screening_cache.get_matcher()
    # "Another process" adds a word: the row is written and the shared version moves on; this
    # process's matcher is untouched until its next check.
    Word.objects.bulk_create([Word(word_list=word_list, term="网赌", normalized="网赌")])
    cache.set(screening_cache.VERSION_KEY, "changed-elsewhere", timeout=None)
    assert screening_cache.get_matcher() is built  # within the check interval: no cache read yet
    screening_cache._checked_at = float("-inf")  # the interval has passed
    assert screen("网赌").action == "block"
    assert screening_cache.get_matcher().version == "changed-elsewhere"


def test_no_rebuild_while_the_version_is_unchanged(make_list):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_list("诈骗", "block", ["传销"])
    matcher = screening_cache.get_matcher()
    screening_cache._checked_at = float("-inf")
    with CaptureQueriesContext(connection) as queries:
        assert screening_cache.get_matcher() is matcher
    # At most the version key's read (database cache; none on Redis), never the word rows.
    assert len(queries) <= 1
    assert not any("wall_word" in q["sql"] or "wall_whitelist" in q["sql"] for q in queries)


def test_version_is_checked_at_most_once_per_interval(make_list, django_assert_num_queries):
    make_list("诈骗", "block", ["传销"])
    screening_cache.get_matcher()
    with django_assert_num_queries(0):
        for _ in range(100):
            screen("传销")


def test_commit_bumps_version_and_fires_signal_once(django_capture_on_commit_callbacks, received, reviewer):
    before = screening_cache.shared_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        word_list = wordlist_save(actor=reviewer, word_list=WordList(name="诈骗", action="block"))
        for term in ("传销", "网赌", "裸聊"):
            word_save(actor=reviewer, word=Word(word_list=word_list, term=term))
        WhitelistTerm.objects.create(term="传销举报热线")
    # One version bump per transaction (the rescreening job its receiver queues is another callback).
    assert sum(type(callback).__name__ == "_OnCommit" for callback in callbacks) == 1
    assert len(received) == 1
    after = screening_cache.shared_version()
    assert after != before
    assert received == [after]
    assert screen("网赌").action == "block"  # this process sees its own change at once


def test_each_committed_change_fires_once(django_capture_on_commit_callbacks, received, reviewer, make_list):
    word_list = make_list("诈骗", "block", [])
    received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        word = word_save(actor=reviewer, word=Word(word_list=word_list, term="传销"))
    with django_capture_on_commit_callbacks(execute=True):
        word_delete(actor=reviewer, word=word)
    assert len(received) == 2
    assert received[0] != received[1]


def test_rolled_back_change_fires_nothing(django_capture_on_commit_callbacks, received, make_list):
    from django.db import transaction

    word_list = make_list("诈骗", "block", [])
    received.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                Word.objects.create(word_list=word_list, term="传销")
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    assert callbacks == []
    assert received == []


def test_list_version_counts_changes(reviewer, make_list):
    word_list = make_list("诈骗", "block", [])
    start = WordList.objects.get(pk=word_list.pk).version
    word = word_save(actor=reviewer, word=Word(word_list=word_list, term="传销"))
    word_delete(actor=reviewer, word=word)
    assert WordList.objects.get(pk=word_list.pk).version == start + 2


def test_screening_goes_on_when_the_shared_cache_is_down(make_list, monkeypatch):
    make_list("诈骗", "block", ["传销"])

    def broken():
        raise ConnectionError("cache down")

    monkeypatch.setattr(screening_cache, "shared_version", broken)
    assert screen("传销").action == "block"  # built without a version
    screening_cache._checked_at = float("-inf")
    assert screen("传销").action == "block"  # kept
