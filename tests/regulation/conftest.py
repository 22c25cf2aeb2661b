import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Assertions on wording read the English text, whatever the catalogue says."""
    with translation.override("en"):
        yield
