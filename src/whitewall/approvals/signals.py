"""Plumbing for other apps: the approval engine announces events, notifications deliver them.

``approval_event`` is sent after the transaction commits, with sender=ApprovalRequest and
``kind`` (one of KINDS), ``request`` (the ApprovalRequest) and ``recipients`` (a list of users).
"""

from django.dispatch import Signal

KINDS = (
    "task_assigned",  # recipients have a new approval to decide
    "cc",  # recipients were CC'd on a request
    "approved",  # the request was approved (applicant and CCs)
    "rejected",
    "sent_back",  # returned to the applicant for changes
    "withdrawn",  # the applicant withdrew it (approvers who were waiting)
    "reminder",  # a tier waits longer than allowed (its approvers)
    "escalated",  # a tier waits far too long, or has no approver (escalation role)
)

approval_event = Signal()
