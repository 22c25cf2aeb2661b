import pytest
from django.conf import settings


@pytest.fixture(autouse=True)
def _forget_this_workers_redis_keys():
    """On Redis the cache outlives each test (rate limits, used TOTP codes): delete this worker's
    keys around every test. Other parallel workers keep theirs (they use another key prefix).
    The database cache needs nothing: each test's transaction rolls it back."""

    def forget():
        from django.core.cache import cache

        client = cache._cache.get_client(write=True)
        for key in client.scan_iter(match=cache.make_key("*")):
            client.delete(key)

    redis = settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    if redis:
        forget()
    yield
    if redis:
        forget()


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Code run outside a request (services, checks, commands) speaks English in tests, so that
    assertions on messages read naturally; requests still get Chinese by default (middleware)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_policy_cache():
    """The policy is cached per process; tests that change it start clean."""
    from whitewall.config.policy import get_policy

    get_policy.cache_clear()
    yield
    get_policy.cache_clear()
