import pytest


@pytest.fixture(autouse=True)
def _fresh_policy_cache():
    """The policy is cached per process; tests that change it start clean."""
    from whitewall.config.policy import get_policy

    get_policy.cache_clear()
    yield
    get_policy.cache_clear()
