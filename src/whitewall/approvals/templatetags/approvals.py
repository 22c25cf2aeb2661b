"""``{% load approvals %}{% approval_timeline document %}``: the approval history of any document."""

from django import template

from whitewall.approvals.selectors import requests_for_document

register = template.Library()


@register.inclusion_tag("approvals/partials/timeline.html", takes_context=True)
def approval_timeline(context, document):
    return {"approval_requests": list(requests_for_document(document)), "request": context.get("request")}


@register.filter
def process_label(process):
    """``{{ approval.process|process_label }}``: "Reimbursement claim", not ``finance.reimbursement``."""
    from whitewall.approvals.labels import process_label as label

    return label(process) if process else process


@register.filter
def tier_label(name):
    """``{{ entry.tier_name|tier_label }}``: the shipped tier names in the reader's language."""
    from whitewall.approvals.labels import tier_label as label

    return label(name)
