"""The review queue: first review of posts and comments, the review lock, second review, resubmission.

Rules (docs/wall-review.md):

- The queue holds pending posts and comments, oldest first, and published items that a new word
  list flagged (``flagged_at``). Reviewers need the ``review`` action on posts or comments.
- Review lock: opening an item takes it for ``wall.review_lock_minutes`` with a conditional UPDATE
  (only when nobody else holds a lock that has not expired), so two reviewers never hold it. Every
  decision claims the lock the same way first: a decision by someone while another reviewer holds
  the item is refused, naming the holder. Deciding releases the lock.
- Approving a post puts it in the staging queue (``approved``) and hands it to the publishing
  service when there is one; posts of the policy's ``second_review_topics`` (and posts a reviewer
  escalates) go to a second review through the approval engine (process ``wall.second_review``)
  and are approved only when that request is approved; a rejection there rejects the post, a
  send-back there returns it to its author.
- Rejecting needs a reason from ``RejectReason`` (and a note for "other"); sending back needs a
  note. The author sees both on their page and is notified.
- Approving a comment publishes it and adds one to the post's running comment count.
- Every decision is written with ``save()``, so the audit trail records it with its actor.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from whitewall.audit.context import acting_as
from whitewall.config.policy import get_policy
from whitewall.core.encryption import blind_index
from whitewall.wall.models import Comment, Post, SecondReview
from whitewall.wall.models.posts import RejectReason

logger = logging.getLogger(__name__)

REVIEW = "review"
REVIEWABLE_POST = (Post.Status.PENDING,)
REVIEWABLE_COMMENT = (Comment.Status.PENDING,)
SECOND_REVIEW_PROCESS = "wall.second_review"


# --- helpers shared with moderation ---------------------------------------------------------------
def require(actor, obj, action: str) -> None:
    """Deny by default: ``actor`` must hold ``action`` on this very row (``None`` = the system)."""
    if actor is None:
        return
    if not type(obj)._meta.concrete_model.objects.restrict(actor, action).filter(pk=obj.pk).exists():
        raise PermissionDenied(_("You do not have permission to do this."))


def author_of(item) -> object | None:
    """The wall user behind a post or comment, also when it was posted anonymously (to notify them;
    the identity is never shown)."""
    if item.author_id:
        return item.author
    user_id = item.submitter_user_id()
    if user_id is None:
        return None
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()


def submitter_key_for(user) -> str:
    """The blind index that ``submitter_key`` holds for a signed-in wall user."""
    return blind_index(f"user:{user.pk}")


def notify_later(recipient, *, kind: str, title: str, body: str = "", url: str = "") -> None:
    """Notify one person once the transaction has committed (nothing when there is nobody)."""
    if recipient is None:
        return

    def send():
        from whitewall.notifications.services import notify

        notify(recipients=[recipient], kind=kind, title=title, body=body, url=url or None)

    transaction.on_commit(send)


def bump_wall(post_pk: int | None = None) -> None:
    """The public wall changed (or, with ``post_pk``, one post's page): invalidate after commit."""
    from whitewall.wall.cache import bump_post_version, bump_wall_version

    transaction.on_commit(bump_wall_version if post_pk is None else (lambda: bump_post_version(post_pk)))


def my_page_url() -> str:
    return reverse("my_submissions")


def _stage(post: Post, actor=None) -> None:
    """Hand an approved post to the publishing service, which gives it the next free slot."""
    from whitewall.wall.services.publishing import post_stage

    with acting_as(actor):
        post_stage(post=post, actor=actor)


def _lock_free(actor, now) -> Q:
    return (
        Q(locked_by__isnull=True)
        | Q(locked_until__isnull=True)
        | Q(locked_until__lte=now)
        | Q(locked_by=actor)
    )


def _kind(item) -> str:
    return _("post") if isinstance(item, Post) else _("comment")


def _claim(actor, item, statuses, *, flagged: bool = False):
    """Take (or renew) the review lock on ``item`` with one conditional UPDATE; refuse when another
    reviewer holds it or when the item no longer waits for this decision."""
    model = type(item)._meta.concrete_model
    now = timezone.now()
    until = now + datetime.timedelta(minutes=get_policy().wall.review_lock_minutes)
    waiting = Q(status__in=statuses)
    if flagged:
        waiting |= Q(flagged_at__isnull=False)
    if model is Post:
        # Staff-written posts are approved through the approval engine (wall.post), never here.
        if item.source != Post.Source.SUBMISSION:
            raise ValidationError(
                {
                    "source": _(
                        "Staff posts are approved through their approval request, not in the review queue."
                    )
                }
            )
        waiting &= Q(source=Post.Source.SUBMISSION)
    rows = model.objects.filter(Q(pk=item.pk) & waiting & _lock_free(actor, now))
    # The system (actor None) decides without a lock.
    taken = rows.exists() if actor is None else rows.update(locked_by=actor, locked_until=until, updated=now)
    fresh = model.objects.select_related("locked_by").get(pk=item.pk)
    if not taken:
        if fresh.status not in statuses and not (flagged and fresh.flagged_at):
            raise ValidationError(
                {
                    "status": _("This %(kind)s no longer waits for review: it is “%(status)s”.")
                    % {"kind": _kind(item), "status": fresh.get_status_display()}
                }
            )
        raise ValidationError(
            _("%(name)s is reviewing this %(kind)s until %(time)s; try again later.")
            % {
                "name": lock_holder_name(fresh),
                "kind": _kind(item),
                "time": timezone.localtime(fresh.locked_until).strftime("%H:%M"),
            }
        )
    return fresh


def lock_holder_name(item) -> str:
    user = item.locked_by
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _decided(item, actor, now) -> list[str]:
    item.reviewed_by = actor
    item.reviewed_at = now
    item.locked_by = None
    item.locked_until = None
    return ["reviewed_by", "reviewed_at", "locked_by", "locked_until", "updated"]


# --- the lock --------------------------------------------------------------------------------------
@transaction.atomic
def review_lock_take(*, actor, item):
    """Open ``item`` for review: hold it for the policy's minutes, or say who holds it."""
    require(actor, item, REVIEW)
    statuses = REVIEWABLE_POST if isinstance(item, Post) else REVIEWABLE_COMMENT
    return _claim(actor, item, statuses, flagged=True)


@transaction.atomic
def review_lock_release(*, actor, item) -> bool:
    """Give the item back before its lock expires (only the holder can)."""
    model = type(item)._meta.concrete_model
    return bool(
        model.objects.filter(pk=item.pk, locked_by=actor).update(
            locked_by=None, locked_until=None, updated=timezone.now()
        )
    )


# --- posts -----------------------------------------------------------------------------------------
def _needs_second_review(post: Post) -> bool:
    return post.topic.slug in get_policy().wall.second_review_topics


def _submit_second_review(actor, post: Post) -> None:
    from whitewall.approvals.services import approval_submit

    document = SecondReview.objects.get(pk=post.pk)
    try:
        approval_submit(actor=actor, document=document, process=SECOND_REVIEW_PROCESS)
    except PermissionDenied:
        request = document.approval_request
        if request is not None and request.submitted_by_id != getattr(actor, "pk", None):
            holder = request.submitted_by.get_full_name() or request.submitted_by.get_username()
            raise ValidationError(
                _(
                    "%(name)s started the second review of this post; only they can send it to the "
                    "second review again."
                )
                % {"name": holder}
            )
        raise


def _approved(post: Post, actor=None) -> None:
    """The post passed review: into the staging queue, and its author hears about it."""
    _stage(post, actor)
    notify_later(
        author_of(post),
        kind="wall.review_decided",
        title=_("Your post was approved and will be published soon"),
        body=str(post)[:200],
        url=my_page_url(),
    )


@transaction.atomic
def post_approve(*, actor, post: Post) -> Post:
    """Approve a pending post: to the staging queue, or to a second review for its topic."""
    require(actor, post, REVIEW)
    post = _claim(actor, post, REVIEWABLE_POST)
    now = timezone.now()
    fields = _decided(post, actor, now)
    post.reject_reason = ""
    post.reject_note = ""
    with acting_as(actor):
        if _needs_second_review(post):
            post.status = Post.Status.SECOND_REVIEW
            post.save(update_fields=[*fields, "status", "reject_reason", "reject_note"])
            _submit_second_review(actor, post)
            return post
        post.status = Post.Status.APPROVED
        post.save(update_fields=[*fields, "status", "reject_reason", "reject_note"])
    _approved(post, actor)
    return post


@transaction.atomic
def post_escalate(*, actor, post: Post, note: str = "") -> Post:
    """Send a pending post to a second reviewer through the approval engine."""
    require(actor, post, REVIEW)
    note = (note or "").strip()
    post = _claim(actor, post, REVIEWABLE_POST)
    fields = _decided(post, actor, timezone.now())
    post.status = Post.Status.SECOND_REVIEW
    if note:
        post.queue_reason = (_("Escalated to a second review: %(note)s") % {"note": note})[:200]
    with acting_as(actor):
        post.save(update_fields=[*fields, "status", "queue_reason"])
        _submit_second_review(actor, post)
    return post


def _clean_reason(reason: str, note: str) -> tuple[str, str]:
    note = (note or "").strip()
    if reason not in RejectReason.values:
        raise ValidationError({"reason": _("Choose a rejection reason from the list.")})
    if reason == RejectReason.OTHER and not note:
        raise ValidationError({"note": _("Explain the reason when you choose “other”.")})
    if len(note) > 2000:
        raise ValidationError({"note": _("Keep the note under 2,000 characters.")})
    return reason, note


@transaction.atomic
def post_reject(*, actor, post: Post, reason: str, note: str = "") -> Post:
    """Reject a pending post with a reason; the author sees the reason on their page."""
    require(actor, post, REVIEW)
    reason, note = _clean_reason(reason, note)
    post = _claim(actor, post, REVIEWABLE_POST)
    fields = _decided(post, actor, timezone.now())
    post.status = Post.Status.REJECTED
    post.reject_reason, post.reject_note = reason, note
    with acting_as(actor):
        post.save(update_fields=[*fields, "status", "reject_reason", "reject_note"])
    notify_later(
        author_of(post),
        kind="wall.review_decided",
        title=_("Your post was not approved: %(reason)s") % {"reason": RejectReason(reason).label},
        body=note,
        url=my_page_url(),
    )
    return post


@transaction.atomic
def post_send_back(*, actor, post: Post, note: str) -> Post:
    """Return a pending post to its author for editing, with a note saying what to change."""
    require(actor, post, REVIEW)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Tell the author what to change.")})
    if len(note) > 2000:
        raise ValidationError({"note": _("Keep the note under 2,000 characters.")})
    post = _claim(actor, post, REVIEWABLE_POST)
    fields = _decided(post, actor, timezone.now())
    post.status = Post.Status.SENT_BACK
    post.reject_reason, post.reject_note = "", note
    with acting_as(actor):
        post.save(update_fields=[*fields, "status", "reject_reason", "reject_note"])
    notify_later(
        author_of(post),
        kind="wall.review_decided",
        title=_("Your post was sent back for editing"),
        body=note,
        url=my_page_url(),
    )
    return post


# --- the second review's outcome (called by SecondReview inside the engine's transaction) ---------
def _decision_comment(request, decision: str) -> str:
    task = (
        request.tasks.filter(round=request.round, decision=decision)
        .exclude(comment="")
        .order_by("-decided_at")
        .first()
    )
    return task.comment if task else ""


def _second_review_post(post) -> Post | None:
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.status != Post.Status.SECOND_REVIEW:
        logger.warning("second review of post %s finished while it was %s", post.pk, post.status)
        return None
    return post


def second_review_approved(*, post, request) -> None:
    post = _second_review_post(post)
    if post is None:
        return
    post.status = Post.Status.APPROVED
    post.save(update_fields=["status", "updated"])
    _approved(post)


def second_review_rejected(*, post, request) -> None:
    post = _second_review_post(post)
    if post is None:
        return
    post.status = Post.Status.REJECTED
    post.reject_reason = RejectReason.OTHER
    post.reject_note = _decision_comment(request, "reject") or _("Rejected at the second review.")
    post.save(update_fields=["status", "reject_reason", "reject_note", "updated"])
    notify_later(
        author_of(post),
        kind="wall.review_decided",
        title=_("Your post was not approved at the second review"),
        body=post.reject_note,
        url=my_page_url(),
    )


def second_review_sent_back(*, post, request) -> None:
    post = _second_review_post(post)
    if post is None:
        return
    post.status = Post.Status.SENT_BACK
    post.reject_reason = ""
    post.reject_note = _decision_comment(request, "send_back")
    post.save(update_fields=["status", "reject_reason", "reject_note", "updated"])
    notify_later(
        author_of(post),
        kind="wall.review_decided",
        title=_("Your post was sent back for editing"),
        body=post.reject_note,
        url=my_page_url(),
    )


# --- comments --------------------------------------------------------------------------------------
@transaction.atomic
def comment_approve(*, actor, comment: Comment) -> Comment:
    """Publish a pending comment; the post's running comment count goes up by one."""
    require(actor, comment, REVIEW)
    comment = _claim(actor, comment, REVIEWABLE_COMMENT)
    now = timezone.now()
    fields = _decided(comment, actor, now)
    comment.status = Comment.Status.PUBLISHED
    comment.published_at = now
    comment.reject_reason = comment.reject_note = ""
    with acting_as(actor):
        comment.save(update_fields=[*fields, "status", "published_at", "reject_reason", "reject_note"])
    Post.objects.filter(pk=comment.post_id).update(comment_count=F("comment_count") + 1)
    bump_wall(comment.post_id)
    return comment


@transaction.atomic
def comment_reject(*, actor, comment: Comment, reason: str, note: str = "") -> Comment:
    require(actor, comment, REVIEW)
    reason, note = _clean_reason(reason, note)
    comment = _claim(actor, comment, REVIEWABLE_COMMENT)
    fields = _decided(comment, actor, timezone.now())
    comment.status = Comment.Status.REJECTED
    comment.reject_reason, comment.reject_note = reason, note
    with acting_as(actor):
        comment.save(update_fields=[*fields, "status", "reject_reason", "reject_note"])
    notify_later(
        author_of(comment),
        kind="wall.review_decided",
        title=_("Your comment was not approved: %(reason)s") % {"reason": RejectReason(reason).label},
        body=note,
        url=my_page_url(),
    )
    return comment


# --- flagged published items (a word list changed) ------------------------------------------------
@transaction.atomic
def review_keep(*, actor, item):
    """A flagged published post or comment stays: the flag goes, and a rescreening hide is lifted
    (unless reports keep it hidden)."""
    require(actor, item, REVIEW)
    item = _claim(actor, item, (), flagged=True)
    fields = _decided(item, actor, timezone.now())
    item.flagged_at = None
    fields.append("flagged_at")
    threshold = get_policy().wall.report_hide_threshold
    if item.hidden_at is not None and float(item.report_score) < threshold:
        item.hidden_at = None
        fields.append("hidden_at")
    with acting_as(actor):
        item.save(update_fields=fields)
    bump_wall()
    return item


# --- several at once -------------------------------------------------------------------------------
@dataclass
class BulkOutcome:
    done: list = field(default_factory=list)
    refused: list[tuple[object, str]] = field(default_factory=list)


def review_bulk(*, actor, items, decision: str, reason: str = "", note: str = "") -> BulkOutcome:
    """Approve or reject several items; each is decided on its own (one refusal does not undo the
    others), and refusals say why."""
    if decision not in ("approve", "reject"):
        raise ValidationError({"decision": _("Choose approve or reject.")})
    if decision == "reject":
        _clean_reason(reason, note)
    outcome = BulkOutcome()
    for item in items:
        try:
            if isinstance(item, Post):
                if decision == "approve":
                    post_approve(actor=actor, post=item)
                else:
                    post_reject(actor=actor, post=item, reason=reason, note=note)
            elif decision == "approve":
                comment_approve(actor=actor, comment=item)
            else:
                comment_reject(actor=actor, comment=item, reason=reason, note=note)
        except (ValidationError, PermissionDenied) as exc:
            outcome.refused.append((item, "; ".join(getattr(exc, "messages", [str(exc)]))))
        else:
            outcome.done.append(item)
    return outcome


# --- the author's side: edit and resubmit ---------------------------------------------------------
def is_submitter(user, post: Post) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return post.author_id == user.pk or (
        bool(post.submitter_key) and post.submitter_key == submitter_key_for(user)
    )


@transaction.atomic
def post_resubmit(*, actor, post: Post, title: str, body: str) -> Post:
    """The author edits a post that was sent back and submits it again: it returns to the queue."""
    from whitewall.wall.review_screening import ACTIONS, screen_texts

    post = Post.objects.select_for_update().get(pk=post.pk)
    if not is_submitter(actor, post):
        raise PermissionDenied(_("Only the author can edit this post."))
    if post.status != Post.Status.SENT_BACK:
        raise ValidationError(
            {
                "status": _("Only a post sent back for editing can be resubmitted; this one is “%(status)s”.")
                % {"status": post.get_status_display()}
            }
        )
    title = (title or "").strip()
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write something before you submit.")})
    if len(title) > Post._meta.get_field("title").max_length:
        raise ValidationError({"title": _("Keep the title under 120 characters.")})
    title_result, result = screen_texts([title, body])
    if "block" in (title_result["action"], result["action"]):
        raise ValidationError({"body": _("The text contains words that are not allowed on the wall.")})
    post.title, post.body = title_result["text"], result["text"]  # "replace" hits rewritten
    post.screening_action = max(title_result["action"], result["action"], key=ACTIONS.index)
    post.screening_hits = result["hits"]
    post.status = Post.Status.PENDING
    post.submitted_at = timezone.now()
    post.queue_reason = _("Resubmitted after editing")
    post.full_clean(exclude=["topic", "author", "owner", "reviewed_by", "locked_by", "taken_down_by"])
    with acting_as(actor):
        post.save(
            update_fields=[
                "title",
                "body",
                "screening_action",
                "screening_hits",
                "status",
                "submitted_at",
                "queue_reason",
                "updated",
            ]
        )
    return post
