"""Moderation: take-down by staff, the authors' take-down requests, reports and complaints.

- ``post_take_down`` / ``comment_take_down``: staff with the ``take_down`` action remove a
  published item with a reason; audited (``save()``), the author notified, the wall's cache bumped.
- Take-down requests from authors: approve (the post is taken down with the author's reason) or
  decline (the request is cleared, the author told why).
- Reports are handled per item (all open reports of a post or comment at once): **uphold** takes
  the item down (or keeps it hidden) and raises each reporter's weight; **dismiss** lowers it and
  un-hides the item once its score falls below the threshold. Reporters are notified and see the
  outcome with its note on their page.
- A reporter's weight is derived from their handled reports (``services.reports.reporter_weight``,
  policy ``wall.reporter_weight_*``): handling a report is what updates it.
- Feedback and complaints: reply (the user sees it on their page and is notified), resolution
  category, close.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from whitewall.audit.context import acting_as
from whitewall.config.policy import get_policy
from whitewall.wall.models import Comment, Feedback, Post, Report
from whitewall.wall.services.reports import reporter_weight  # noqa: F401 - the reporters' weights, shown here
from whitewall.wall.services.review import author_of, bump_wall, my_page_url, notify_later, require

TAKE_DOWN = "take_down"
CHANGE = "change"
NOTE_MAX = 2000


def _text(value: str, field: str, *, required: bool, message: str) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: message})
    if len(value) > NOTE_MAX:
        raise ValidationError({field: _("Keep it under 2,000 characters.")})
    return value


# --- take-down -------------------------------------------------------------------------------------
def _take_down(actor, item, reason: str, now) -> None:
    item.status = item.Status.TAKEN_DOWN
    fields = ["status", "updated"]
    if isinstance(item, Post):
        item.taken_down_at, item.taken_down_by, item.takedown_reason = now, actor, reason
        fields += ["taken_down_at", "taken_down_by", "takedown_reason"]
    else:
        item.reject_note = reason
        fields.append("reject_note")
        bump_wall(item.post_id)
        if item.post_id and item.published_at is not None:
            Post.objects.filter(pk=item.post_id, comment_count__gt=0).update(
                comment_count=F("comment_count") - 1
            )
    item.flagged_at = None
    item.locked_by = item.locked_until = None
    fields += ["flagged_at", "locked_by", "locked_until"]
    with acting_as(actor):
        item.save(update_fields=fields)
    bump_wall()


@transaction.atomic
def post_take_down(*, actor, post: Post, reason: str) -> Post:
    """Take a post off the wall with a reason (staff); the author is told why."""
    require(actor, post, TAKE_DOWN)
    reason = _text(reason, "reason", required=True, message=_("Give the reason for the take-down."))
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.status not in (Post.Status.PUBLISHED, Post.Status.SCHEDULED, Post.Status.APPROVED):
        raise ValidationError(
            {
                "status": _(
                    "Only an approved, scheduled or published post can be taken down; this one is “%(status)s”."
                )
                % {"status": post.get_status_display()}
            }
        )
    _take_down(actor, post, reason, timezone.now())
    notify_later(
        author_of(post),
        kind="wall.taken_down",
        title=_("Your post was taken down"),
        body=reason,
        url=my_page_url(),
    )
    return post


@transaction.atomic
def comment_take_down(*, actor, comment: Comment, reason: str) -> Comment:
    require(actor, comment, TAKE_DOWN)
    reason = _text(reason, "reason", required=True, message=_("Give the reason for the take-down."))
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.status != Comment.Status.PUBLISHED:
        raise ValidationError(
            {
                "status": _("Only a published comment can be taken down; this one is “%(status)s”.")
                % {"status": comment.get_status_display()}
            }
        )
    _take_down(actor, comment, reason, timezone.now())
    notify_later(
        author_of(comment),
        kind="wall.taken_down",
        title=_("Your comment was taken down"),
        body=reason,
        url=my_page_url(),
    )
    return comment


def _requested(post: Post) -> Post:
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.takedown_requested_at is None:
        raise ValidationError(_("The author has not asked for this post to be taken down."))
    return post


@transaction.atomic
def takedown_request_approve(*, actor, post: Post, note: str = "") -> Post:
    """Grant an author's request: the post comes down with the author's reason."""
    require(actor, post, TAKE_DOWN)
    post = _requested(post)
    if post.status != Post.Status.PUBLISHED:
        raise ValidationError(
            {
                "status": _("Only a published post can be taken down; this one is “%(status)s”.")
                % {"status": post.get_status_display()}
            }
        )
    note = _text(note, "note", required=False, message="")
    reason = _("At the author's request: %(reason)s") % {"reason": post.takedown_request_reason or "—"}
    post.takedown_requested_at = None
    with acting_as(actor):
        post.save(update_fields=["takedown_requested_at", "updated"])
    _take_down(actor, post, reason, timezone.now())
    notify_later(
        author_of(post),
        kind="wall.takedown_request_decided",
        title=_("Your post was taken down as you asked"),
        body=note,
        url=my_page_url(),
    )
    return post


@transaction.atomic
def takedown_request_decline(*, actor, post: Post, note: str) -> Post:
    """Decline an author's request with a note; the post stays up and the request is closed."""
    require(actor, post, TAKE_DOWN)
    note = _text(note, "note", required=True, message=_("Tell the author why the post stays up."))
    post = _requested(post)
    post.takedown_requested_at = None
    with acting_as(actor):
        post.save(update_fields=["takedown_requested_at", "updated"])
    notify_later(
        author_of(post),
        kind="wall.takedown_request_decided",
        title=_("Your take-down request was declined"),
        body=note,
        url=my_page_url(),
    )
    return post


# --- reports ---------------------------------------------------------------------------------------
def report_target(report: Report):
    return report.post if report.post_id else report.comment


def _open_reports(target):
    lookup = {"post": target} if isinstance(target, Post) else {"comment": target}
    return Report.objects.select_for_update(of=("self",)).filter(status=Report.Status.OPEN, **lookup)


def _handle(actor, report: Report, status: str, note: str) -> tuple[object, list[Report]]:
    require(actor, report, CHANGE)
    target = report_target(report)
    reports = list(_open_reports(target).select_related("reporter"))
    if not reports:
        raise ValidationError(_("The reports about this item have already been handled."))
    now = timezone.now()
    with acting_as(actor):
        for item in reports:
            item.status, item.handled_by, item.handled_at, item.resolution_note = status, actor, now, note
            item.save(update_fields=["status", "handled_by", "handled_at", "resolution_note", "updated"])
    return target, reports


def _recompute_score(target) -> Decimal:
    lookup = {"post": target} if isinstance(target, Post) else {"comment": target}
    score = Report.objects.filter(status=Report.Status.OPEN, **lookup).aggregate(total=Sum("weight"))["total"]
    return score or Decimal("0")


def _tell_reporters(reports: list[Report], title: str, note: str) -> None:
    seen = set()
    for report in reports:
        if report.reporter_id and report.reporter_id not in seen:
            seen.add(report.reporter_id)
            notify_later(
                report.reporter, kind="wall.report_handled", title=title, body=note, url=my_page_url()
            )


@transaction.atomic
def report_uphold(*, actor, report: Report, note: str = "") -> Report:
    """The reports about this item are right: the item comes down (a post or comment not yet
    published stays hidden), every open report of it is upheld, reporters weigh more."""
    note = _text(note, "note", required=False, message="")
    target, reports = _handle(actor, report, Report.Status.UPHELD, note)
    target = type(target).objects.select_for_update().get(pk=target.pk)
    now = timezone.now()
    reason = note or _("Reported content: the reports were upheld.")
    target.report_score = _recompute_score(target)
    with acting_as(actor):
        if target.status == target.Status.PUBLISHED:
            target.save(update_fields=["report_score", "updated"])
            _take_down(actor, target, reason, now)
            notify_later(
                author_of(target),
                kind="wall.taken_down",
                title=_("Your post was taken down")
                if isinstance(target, Post)
                else _("Your comment was taken down"),
                body=reason,
                url=my_page_url(),
            )
        else:
            target.hidden_at = target.hidden_at or now
            target.save(update_fields=["report_score", "hidden_at", "updated"])
            bump_wall()
    _tell_reporters(reports, _("Your report was upheld: the content was removed"), note)
    report.refresh_from_db()
    return report


@transaction.atomic
def report_dismiss(*, actor, report: Report, note: str) -> Report:
    """The reports about this item are unfounded: dismissed, reporters weigh less, and the item is
    shown again once its score falls below the threshold."""
    note = _text(note, "note", required=True, message=_("Say why the reports are dismissed."))
    target, reports = _handle(actor, report, Report.Status.DISMISSED, note)
    target = type(target).objects.select_for_update().get(pk=target.pk)
    target.report_score = _recompute_score(target)
    fields = ["report_score", "updated"]
    below = float(target.report_score) < get_policy().wall.report_hide_threshold
    # An item hidden by rescreening (flagged) stays hidden for the review queue to decide.
    if target.hidden_at is not None and below and target.flagged_at is None:
        target.hidden_at = None
        fields.append("hidden_at")
    with acting_as(actor):
        target.save(update_fields=fields)
    bump_wall()
    _tell_reporters(reports, _("Your report was reviewed: the content stays"), note)
    report.refresh_from_db()
    return report


# --- feedback and complaints ----------------------------------------------------------------------
@transaction.atomic
def feedback_reply(*, actor, feedback: Feedback, reply: str, resolution: str = "") -> Feedback:
    """Answer a user: they see the reply on their page and are notified."""
    require(actor, feedback, CHANGE)
    reply = _text(reply, "reply", required=True, message=_("Write the reply."))
    if resolution and resolution not in Feedback.Resolution.values:
        raise ValidationError({"resolution": _("Choose a resolution from the list.")})
    feedback = Feedback.objects.select_for_update().select_related("user").get(pk=feedback.pk)
    if feedback.status == Feedback.Status.CLOSED:
        raise ValidationError({"status": _("This item is closed; it cannot be answered again.")})
    first = feedback.replied_at is None
    feedback.reply = reply
    feedback.replied_by = actor
    if first:  # the first answer is what the deadline measures
        feedback.replied_at = timezone.now()
    feedback.status = Feedback.Status.ANSWERED
    if resolution:
        feedback.resolution = resolution
    with acting_as(actor):
        feedback.save(update_fields=["reply", "replied_by", "replied_at", "status", "resolution", "updated"])
    notify_later(
        feedback.user,
        kind="wall.feedback_replied",
        title=_("The operations team replied: %(subject)s") % {"subject": feedback.subject[:100]},
        body=reply,
        url=my_page_url(),
    )
    return feedback


@transaction.atomic
def feedback_close(*, actor, feedback: Feedback, resolution: str) -> Feedback:
    """Close an item with its resolution category (it must have been answered)."""
    require(actor, feedback, CHANGE)
    if resolution not in Feedback.Resolution.values:
        raise ValidationError({"resolution": _("Choose a resolution from the list.")})
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if feedback.status == Feedback.Status.CLOSED:
        raise ValidationError({"status": _("This item is already closed.")})
    if not feedback.reply:
        raise ValidationError({"reply": _("Reply to the user before you close this item.")})
    feedback.status = Feedback.Status.CLOSED
    feedback.resolution = resolution
    with acting_as(actor):
        feedback.save(update_fields=["status", "resolution", "updated"])
    return feedback
