import pytest
from django.conf import settings


def forget_this_workers_cache() -> None:
    """Forget rate-limit counters and used TOTP codes. On Redis, delete this worker's keys only
    (other xdist workers share the Redis database under their own key prefix); the database
    cache is simply cleared (the caller must have database access)."""
    from django.core.cache import cache

    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        client = cache._cache.get_client(write=True)
        for key in client.scan_iter(match=cache.make_key("*")):
            client.delete(key)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _forget_this_workers_cache(request):
    """On Redis the cache outlives each test (rate limits, used TOTP codes): forget this worker's
    keys around every test. The database cache is rolled back with each test's transaction, but
    rows committed by an earlier transactional test would stay: tests that use the ``db`` fixture
    start from an empty cache table too."""
    redis = settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    database = not redis and "db" in request.fixturenames
    if database:
        request.getfixturevalue("db")
    if redis or database:
        forget_this_workers_cache()
    yield
    if redis:
        forget_this_workers_cache()


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
