from django import template

from whitewall.regulation.services import acknowledgement_due_for

register = template.Library()


@register.simple_tag
def acknowledgement_due(user):
    """The regulation version in force when ``user`` has yet to acknowledge it, else None."""
    return acknowledgement_due_for(user)


BADGE_CLASSES = {
    "green": "text-bg-success",
    "amber": "text-bg-warning",
    "red": "text-bg-danger",
    "not_built": "text-bg-secondary",
    "pending": "text-bg-light border",
}


@register.filter
def status_badge(status):
    """A coloured badge for a check status (green / amber / red / not built yet / pending)."""
    from django.utils.html import format_html
    from django.utils.translation import gettext as _

    from whitewall.regulation.checks import Status

    try:
        label = Status(status).label
    except ValueError:
        label = _("Waiting for the next run")
    return format_html(
        '<span class="badge {} ww-status" data-status="{}">{}</span>',
        BADGE_CLASSES.get(status, "text-bg-light border"),
        status,
        label,
    )
