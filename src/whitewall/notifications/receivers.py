"""What notifications does when the platform or an app announces something.

- ``core.signals.job_failed``: tell the system administrators.
- ``approvals.signals.approval_event``: tell the people concerned (approvers, applicant, CCs).
- ``regulation.signals.acknowledgement_due``: remind a staff member to acknowledge the regulation.

Titles are written in the active language: notifications carry no per-recipient language (the
interface language is a per-browser choice, not a user setting). A receiver never breaks its
sender: the approval and regulation signals are sent with ``send`` after the sender's transaction
has committed, so every failure here is logged and swallowed.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)

# approval_event kinds (approvals.signals.KINDS) → notification kinds (see registrations).
APPROVAL_KINDS = {
    "task_assigned": "approvals.task_assigned",
    "cc": "approvals.cc",
    "approved": "approvals.decided",
    "rejected": "approvals.decided",
    "sent_back": "approvals.sent_back",
    "withdrawn": "approvals.withdrawn",
    "reminder": "approvals.reminder",
    "escalated": "approvals.escalated",
}
COMMENT_CHARS = 300  # a decision's comment, quoted in the body


def on_job_failed(sender, job=None, name: str = "", error: str = "", **kwargs) -> None:
    """A background job failed for good: tell the system administrators."""
    from whitewall.notifications.services import notify_role

    try:
        url = (
            reverse("core:job_detail", kwargs={"pk": job.pk})
            if job is not None
            else reverse("core:periodictask_list")
        )
    except NoReverseMatch:
        url = ""
    notify_role(
        role="system_admin",
        kind="jobs.failed",
        title=_("Background job failed: %(name)s") % {"name": name},
        body=str(error)[:2000],
        obj=job,
        url=url,
    )


# --- approvals ---------------------------------------------------------------------------------------
APPROVAL_TITLES = {
    "task_assigned": gettext_lazy("Approval waiting for you: %(title)s"),
    "cc": gettext_lazy("You were CC'd on an approval request: %(title)s"),
    "approved": gettext_lazy("Approval request approved: %(title)s"),
    "rejected": gettext_lazy("Approval request rejected: %(title)s"),
    "sent_back": gettext_lazy("Approval request sent back for changes: %(title)s"),
    "withdrawn": gettext_lazy("Approval request withdrawn: %(title)s"),
    "reminder": gettext_lazy("Reminder: an approval is still waiting for you: %(title)s"),
    "escalated": gettext_lazy("Escalated approval waiting for you: %(title)s"),
}


def _approval_title(kind: str, title: str) -> str:
    return str(APPROVAL_TITLES.get(kind, APPROVAL_TITLES["escalated"])) % {"title": title}


def _latest_entry(request, kinds):
    """The request's latest timeline entry of one of ``kinds`` in its current round."""
    return (
        request.timeline.filter(round=request.round, kind__in=list(kinds))
        .select_related("actor", "on_behalf_of")
        .order_by("-created", "-pk")
        .first()
    )


def _comment(entry, label) -> str:
    text = (entry.comment or "").strip() if entry is not None else ""
    if not text:
        return ""
    return label % {"comment": Truncator(text).chars(COMMENT_CHARS)}


def _decision_lines(kind: str, request) -> list[str]:
    """Who decided (or withdrew) and why: from the timeline entry that ended the step."""
    from whitewall.approvals.models import TimelineKind

    if kind == "withdrawn":
        entry = _latest_entry(request, [TimelineKind.WITHDRAWN])
        lines = [_("Withdrawn by %(person)s.") % {"person": entry.actor}] if entry and entry.actor else []
        return [*lines, _comment(entry, _("Reason: %(comment)s"))]
    event = {
        "approved": TimelineKind.APPROVED,
        "rejected": TimelineKind.REJECTED,
        "sent_back": TimelineKind.SENT_BACK,
    }[kind]
    entry = _latest_entry(request, [event])
    if entry is None or entry.actor is None:
        return []
    if entry.on_behalf_of is not None:
        who = _("Decided by %(person)s on behalf of %(principal)s.") % {
            "person": entry.actor,
            "principal": entry.on_behalf_of,
        }
    else:
        who = _("Decided by %(person)s.") % {"person": entry.actor}
    label = _("Comment: %(comment)s") if kind == "approved" else _("Reason: %(comment)s")
    return [who, _comment(entry, label)]


def _approval_body(kind: str, request) -> str:
    from whitewall.approvals.labels import process_label, tier_label

    lines = [
        _("%(process)s from %(applicant)s.")
        % {"process": process_label(request.process), "applicant": request.submitted_by}
    ]
    tier = request.current_tier_spec
    step = tier_label(tier["name"]) if tier else ""
    if kind == "task_assigned" and step:
        lines.append(_("Step: %(step)s.") % {"step": step})
    elif kind == "reminder" and request.tier_started_at is not None:
        lines.append(
            _("Step “%(step)s” has been waiting for a decision since %(since)s.")
            % {
                "step": step,
                "since": timezone.localtime(request.tier_started_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
    elif kind == "escalated" and step:
        lines.append(
            _("Step “%(step)s” has been handed to you to decide: it waited too long or had no approver.")
            % {"step": step}
        )
    elif kind in ("approved", "rejected", "sent_back", "withdrawn"):
        lines.extend(_decision_lines(kind, request))
    return "\n".join(line for line in lines if line)


def _request_url(request) -> str:
    try:
        return reverse("approvals:approvalrequest_detail", kwargs={"pk": request.pk})
    except NoReverseMatch:
        return ""


def on_approval_event(sender, kind: str = "", request=None, recipients=(), **kwargs) -> None:
    """An approval request changed: notify its ``recipients`` (never raises)."""
    from whitewall.notifications.services import notify

    notification_kind = APPROVAL_KINDS.get(kind)
    if notification_kind is None or request is None:
        logger.warning("approval_event with unknown kind %r or no request: nobody notified", kind)
        return
    try:
        with transaction.atomic():  # a database error here rolls back to this savepoint only
            notify(
                recipients=list(recipients or ()),
                kind=notification_kind,
                title=_approval_title(kind, str(request)),
                body=_approval_body(kind, request),
                obj=request,
                url=_request_url(request),
            )
    except Exception:
        logger.exception(
            "could not notify about approval event %s of request %s", kind, getattr(request, "pk", None)
        )


# --- regulation ------------------------------------------------------------------------------------
def on_acknowledgement_due(sender, user=None, version=None, **kwargs) -> None:
    """``user`` has not acknowledged the regulation version in force: remind them (never raises)."""
    from whitewall.notifications.services import notify

    if user is None or version is None:
        return
    try:
        try:
            url = reverse("regulation:acknowledgement_mine")
        except NoReverseMatch:
            url = ""
        with transaction.atomic():
            notify(
                recipients=[user],
                kind="regulation.acknowledgement_due",
                title=_("Please read and acknowledge regulation version %(number)s")
                % {"number": version.number},
                body=_("“%(name)s”, in force since %(date)s. Read it and confirm that you have read it.")
                % {"name": version.name, "date": version.effective_date.isoformat()},
                obj=version,
                url=url,
            )
    except Exception:
        logger.exception(
            "could not remind %s to acknowledge regulation version %s",
            getattr(user, "pk", None),
            getattr(version, "pk", None),
        )
