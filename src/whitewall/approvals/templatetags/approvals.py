"""``{% load approvals %}{% approval_timeline document %}``: the approval history of any document."""

from django import template

from whitewall.approvals.selectors import requests_for_document

register = template.Library()


@register.inclusion_tag("approvals/partials/timeline.html", takes_context=True)
def approval_timeline(context, document):
    return {"approval_requests": list(requests_for_document(document)), "request": context.get("request")}
