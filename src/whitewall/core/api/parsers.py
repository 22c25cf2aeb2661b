"""JSON parsing that refuses NUL characters anywhere in the body (PostgreSQL cannot store them,
and no real text contains them): a clear 400 instead of a database error."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _contains_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_contains_nul(item) for item in value)
    return False


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if _contains_nul(data):
            raise ParseError(_("Text may not contain NUL (0x00) characters."))
        return data
