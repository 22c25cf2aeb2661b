"""Test batteries (NetBox's pattern): every model's views get the same permission tests.

A subclass supplies the model, how to make objects, and form data; the battery proves that
anonymous users are sent to log in, users without permission are refused, users with
permission succeed, and a constrained permission reaches only the permitted rows.
"""

from whitewall.core.testing.api import APITestCases, api_rates
from whitewall.core.testing.base import ModelTestMixin, grant, login
from whitewall.core.testing.queries import assert_query_baseline
from whitewall.core.testing.views import ViewTestCases

__all__ = [
    "APITestCases",
    "api_rates",
    "login",
    "ModelTestMixin",
    "ViewTestCases",
    "assert_query_baseline",
    "grant",
]
