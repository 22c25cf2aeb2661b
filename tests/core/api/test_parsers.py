import pytest
from rest_framework.exceptions import ParseError

from whitewall.core.api.parsers import StrictJSONParser


def test_nul_characters_anywhere_are_refused():
    import io

    with pytest.raises(ParseError):
        StrictJSONParser().parse(io.BytesIO(b'{"actions": ["vi\\u0000ew"]}'))
    with pytest.raises(ParseError):
        StrictJSONParser().parse(io.BytesIO(b'{"constraints": {"a\\u0000": 1}}'))
    assert StrictJSONParser().parse(io.BytesIO(b'{"name": "ok"}')) == {"name": "ok"}
