"""Rate limits from the policy file (api.user_rate_per_minute, api.anonymous_rate_per_minute).

The counters live in Django's default cache, which is shared by every web worker (Redis, or the
database cache without Redis), so a limit holds across processes.
"""

from __future__ import annotations

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from whitewall.config.policy import get_policy


class PolicyUserRateThrottle(UserRateThrottle):
    scope = "user"

    def get_rate(self) -> str:
        return f"{get_policy().api.user_rate_per_minute}/min"


class PolicyAnonRateThrottle(AnonRateThrottle):
    scope = "anon"

    def get_rate(self) -> str:
        return f"{get_policy().api.anonymous_rate_per_minute}/min"
