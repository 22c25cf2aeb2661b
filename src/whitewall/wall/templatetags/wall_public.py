"""Template helpers of the public wall."""

import nh3
from django import template
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def post_body(post):
    """A submission's plain text with line breaks; a staff post's rich text, sanitised again on output."""
    if post.source == "staff" and post.body_html:
        return mark_safe(nh3.clean(post.body_html))  # noqa: S308 - nh3 output is safe HTML
    return mark_safe(linebreaks(post.body, autoescape=True))  # noqa: S308 - escaped by linebreaks


@register.filter
def screen_action_label(value):
    """The translated label of a screening action ("review" -> "Require review"), never the code."""
    from whitewall.wall.models.words import ScreenAction

    return ScreenAction(value).label if value in ScreenAction.values else value
