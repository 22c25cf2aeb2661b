from django import template

from whitewall.audit.models import AuditEvent
from whitewall.audit.services import object_type_of

register = template.Library()

HISTORY_LIMIT = 50


@register.simple_tag(takes_context=True)
def object_history(context, obj):
    """The audit events of ``obj`` the user may read, newest first (at most 50)."""
    request = context["request"]
    object_type = object_type_of(obj)
    events = list(
        AuditEvent.objects.restrict(request.user, "view")
        .filter(object_type=object_type, object_id=str(obj.pk))
        .order_by("-seq")[: HISTORY_LIMIT + 1]
    )
    return {
        "events": events[:HISTORY_LIMIT],
        "more": len(events) > HISTORY_LIMIT,
        "object_type": object_type,
        "object_id": str(obj.pk),
    }
