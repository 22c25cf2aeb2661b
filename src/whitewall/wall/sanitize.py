"""The one place rich text from staff is cleaned (nh3): an allow-list of tags and attributes.

Everything not listed is dropped (``<script>``, ``<style>``, ``<iframe>``, event handlers, ``style``
attributes, ``javascript:`` links); links get ``rel="noopener noreferrer nofollow"``.
"""

from __future__ import annotations

import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "h2", "h3", "blockquote", "pre", "code",
    "ul", "ol", "li", "a",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def clean_html(html: str) -> str:
    """Sanitised HTML: safe to show with ``|safe``."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def html_to_text(html: str) -> str:
    """The plain text of sanitised HTML (the post's ``body``: search, previews, screening)."""
    import re
    from html import unescape

    text = re.sub(r"<br\s*/?>|</(p|h2|h3|li|blockquote|pre)>", "\n", html or "")
    text = nh3.clean(text, tags=set())
    return re.sub(r"\n{3,}", "\n\n", unescape(text)).strip()
