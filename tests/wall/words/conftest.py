import pytest

from whitewall.wall.screening import cache as screening_cache


@pytest.fixture(autouse=True)
def _fresh_matcher():
    """The matcher is per process and outlives a test's rolled-back rows: start each test afresh."""
    screening_cache.forget_local()
    yield
    screening_cache.forget_local()


@pytest.fixture
def make_list(db):
    from whitewall.wall.models import Word, WordList

    def make(name, action, terms, replacement="", **kwargs):
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
def whitelist(db):
    from whitewall.wall.models import WhitelistTerm

    def make(*terms):
        for term in terms:
            WhitelistTerm.objects.create(term=term)
        screening_cache.forget_local()

    return make
