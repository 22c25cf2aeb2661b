"""The public's operations on posts: submit, withdraw, ask for a take-down, like, view, comment.

Every operation takes the acting ``Visitor`` (a wall user or a guest with a signed cookie). Checks
are ownership (the visitor's blind-index key) and the wall policy (guests, limits), then the write,
in one transaction. Engagement (likes, views) is counted, not audited.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from whitewall.config.policy import get_policy
from whitewall.wall import ratelimit
from whitewall.wall.cache import bump_post_version
from whitewall.wall.images import clean_image
from whitewall.wall.models import Comment, Post, PostImage, PostLike, PostViewDay, Topic
from whitewall.wall.visitor import Visitor

HOUR = 3600
BODY_MAX = 5000
TITLE_MAX = 120


# --- screening --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Screened:
    action: str  # pass | flag | replace | review | block
    text: str  # the text to store (replacements applied)
    hits: list[dict]


def screen_text(text: str) -> Screened:
    """The one call into sensitive-word screening (``whitewall.wall.screening``)."""
    try:
        from whitewall.wall.screening import screen
    except ImportError:  # screening not installed in this build: nothing is matched
        return Screened("pass", text, [])
    result = screen(text)
    hits = [
        {"word": h.word, "list": h.list_name, "action": h.action, "start": h.start, "end": h.end}
        for h in result.hits
    ]
    return Screened(result.action, result.text, hits)


def _screen_all(*texts: str) -> tuple[str, list[Screened]]:
    order = ("pass", "flag", "replace", "review", "block")
    results = [screen_text(t) if t else Screened("pass", t, []) for t in texts]
    action = max((r.action for r in results), key=lambda a: order.index(a) if a in order else 0)
    return action, results


def _on_commit_bump_post(pk: int) -> None:
    transaction.on_commit(lambda: bump_post_version(pk))


# --- rate limits ------------------------------------------------------------------------------------
def _check_rate(actor: Visitor, scope: str, per_user: int, per_ip: int, window: int = HOUR) -> None:
    user_ident = actor.rate_ident or (f"guest:{actor.guest_token}" if actor.guest_token else "")
    if not ratelimit.allowed(f"{scope}:user", user_ident, per_user, window) or not ratelimit.allowed(
        f"{scope}:ip", actor.ip, per_ip, window
    ):
        minutes = window // 60
        raise ValidationError(
            _("You have reached the limit for now. Try again in up to %(minutes)d minutes.")
            % {"minutes": minutes}
        )


def _record_rate(actor: Visitor, scope: str, window: int = HOUR) -> None:
    user_ident = actor.rate_ident or (f"guest:{actor.guest_token}" if actor.guest_token else "")
    ratelimit.record(f"{scope}:user", user_ident, window)
    ratelimit.record(f"{scope}:ip", actor.ip, window)


# --- submission -------------------------------------------------------------------------------------
def _validate_submission(actor: Visitor, topic: Topic | None, body: str, title: str, images: list) -> None:
    policy = get_policy().wall
    errors: dict[str, list[str]] = {}
    if actor.user is None and not policy.guest_submissions:
        raise PermissionDenied(_("Log in to submit a post."))
    if actor.user is None and not actor.guest_token:
        raise PermissionDenied(_("Your browser must accept cookies to submit as a guest."))
    if topic is None or not topic.is_active:
        errors["topic"] = [_("Choose an open topic.")]
    if not body.strip():
        errors["body"] = [_("Write something before you submit.")]
    elif len(body) > BODY_MAX:
        errors["body"] = [_("Keep the text within %(max)d characters.") % {"max": BODY_MAX}]
    if len(title) > TITLE_MAX:
        errors["title"] = [_("Keep the title within %(max)d characters.") % {"max": TITLE_MAX}]
    if len(images) > policy.max_images:
        errors["images"] = [_("At most %(max)d images per post.") % {"max": policy.max_images}]
    if "\x00" in body or "\x00" in title:
        errors["body"] = [_("The text contains characters that cannot be stored.")]
    if errors:
        raise ValidationError(errors)


def post_submit(
    *,
    actor: Visitor,
    topic: Topic | None,
    body: str,
    title: str = "",
    is_anonymous: bool = False,
    display_name: str = "",
    images: list | tuple = (),
) -> Post:
    """A submission from the public: screened, then pending review (or refused when a word blocks it).

    Images are checked and re-encoded before anything is written; a refused image leaves nothing.
    """
    policy = get_policy().wall
    body = (body or "").strip()
    title = (title or "").strip()
    display_name = (display_name or "").strip()[:60]
    _validate_submission(actor, topic, body, title, list(images))
    _check_rate(actor, "submit", policy.submissions_per_hour_user, policy.submissions_per_hour_ip)
    max_bytes = policy.image_max_mb * 2**20
    cleaned = []
    for upload in images:
        try:
            cleaned.append(clean_image(upload, max_bytes=max_bytes))
        except ValidationError as error:
            raise ValidationError({"images": error.messages}) from None
    action, (screened_title, screened_body, screened_name) = _screen_all(title, body, display_name)
    now = timezone.now()
    post = Post(
        source=Post.Source.SUBMISSION,
        topic=topic,
        title=screened_title.text,
        body=screened_body.text,
        is_anonymous=is_anonymous,
        author=None if is_anonymous else actor.user,
        display_name="" if is_anonymous else (screened_name.text or ""),
        submitter_key=actor.key,
        submitter_identity=actor.identity_json(),
        submitted_at=now,
        screening_action=action,
        screening_hits=screened_title.hits + screened_body.hits + screened_name.hits,
    )
    if action == "block":
        post.status = Post.Status.REJECTED
        post.reject_reason = Post.RejectReason.ILLEGAL
        post.reject_note = _("Refused automatically: the text contains words that may not be published.")
        post.reviewed_at = now
    else:
        post.status = Post.Status.PENDING
        post.queue_reason = (
            _("Sensitive words found: %(words)s")
            % {"words": "、".join(dict.fromkeys(h["word"] for h in post.screening_hits))}
            if post.screening_hits
            else _("New submission")
        )[:200]
    post.full_clean(exclude=["topic", "submitter_identity"])
    with transaction.atomic():
        post.save()
        for position, image in enumerate(cleaned):
            row = PostImage(post=post, size=len(image.content), sha256=image.sha256, position=position)
            row.image.save(f"upload.{image.extension}", ContentFile(image.content), save=False)
            row.thumbnail.save(
                f"{image.sha256[:2]}/{image.sha256}.{'jpg' if image.extension == 'jpg' else 'png'}",
                ContentFile(image.thumbnail),
                save=False,
            )
            row.width, row.height = image.width, image.height
            row.save()
    _record_rate(actor, "submit")
    return post


def _own(actor: Visitor, post: Post) -> None:
    if not actor.key or post.submitter_key != actor.key:
        raise PermissionDenied(_("This is not your submission."))


WITHDRAWABLE = (
    Post.Status.PENDING,
    Post.Status.SECOND_REVIEW,
    Post.Status.SENT_BACK,
    Post.Status.APPROVED,
    Post.Status.SCHEDULED,
)


@transaction.atomic
def post_withdraw(*, actor: Visitor, post: Post) -> Post:
    """The author takes back a submission that is not published yet."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    _own(actor, post)
    if post.status not in WITHDRAWABLE:
        raise ValidationError({"status": _("Only a submission that is not published yet can be withdrawn.")})
    post.status = Post.Status.WITHDRAWN
    post.save(update_fields=["status", "updated"])
    return post


@transaction.atomic
def post_request_takedown(*, actor: Visitor, post: Post, reason: str) -> Post:
    """The author of a published post asks the operations team to take it down."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    _own(actor, post)
    reason = (reason or "").strip()
    if post.status != Post.Status.PUBLISHED:
        raise ValidationError({"status": _("Only a published post can be taken down on request.")})
    if post.takedown_requested_at is not None:
        raise ValidationError({"reason": _("You have already asked for this post to be taken down.")})
    if not reason:
        raise ValidationError({"reason": _("Say why the post should be taken down.")})
    if len(reason) > 1000:
        raise ValidationError({"reason": _("Keep the reason within %(max)d characters.") % {"max": 1000}})
    post.takedown_requested_at = timezone.now()
    post.takedown_request_reason = reason
    post.save(update_fields=["takedown_requested_at", "takedown_request_reason", "updated"])
    return post


# --- likes and views --------------------------------------------------------------------------------
def _public_post(post: Post) -> None:
    if not post.is_public:
        raise ValidationError(_("This post is not on the wall."))


def post_like(*, actor: Visitor, post: Post) -> bool:
    """Like a post once (per user, or per guest cookie); liking again takes the like back.

    Returns True when the post is now liked by the visitor."""
    _public_post(post)
    if not actor.key and actor.user is None:
        raise PermissionDenied(_("Your browser must accept cookies to like a post."))
    filters = {"user": actor.user} if actor.user is not None else {"guest_key": actor.key}
    with transaction.atomic():
        deleted, _rows = PostLike.objects.filter(post=post, **filters).delete()
        if deleted:
            Post.objects.filter(pk=post.pk, like_count__gt=0).update(like_count=F("like_count") - 1)
            return False
        try:
            with transaction.atomic():
                PostLike.objects.create(post=post, **filters)
        except IntegrityError:  # a double click raced us: the like exists
            return True
        Post.objects.filter(pk=post.pk).update(like_count=F("like_count") + 1)
        return True


def view_day(now: datetime.datetime | None = None) -> datetime.date:
    return timezone.localdate(now or timezone.now())


def post_view(*, post_id: int, visitor_key: str) -> bool:
    """Count one view unless this visitor saw the post within the policy's window.

    One cache ``add`` decides (shared cache, so it holds across workers); a counted view is one
    ``UPDATE … SET view_count = view_count + 1`` and one upsert of the day's row. Returns True when
    the view was counted."""
    window = get_policy().wall.view_dedupe_minutes * 60
    if visitor_key and not cache.add(f"wall:seen:{post_id}:{visitor_key}", 1, timeout=window):
        return False
    day = view_day()
    with transaction.atomic():
        Post.objects.filter(pk=post_id).update(view_count=F("view_count") + 1)
        if not PostViewDay.objects.filter(post_id=post_id, day=day).update(views=F("views") + 1):
            try:
                with transaction.atomic():
                    PostViewDay.objects.create(post_id=post_id, day=day, views=1)
            except IntegrityError:
                PostViewDay.objects.filter(post_id=post_id, day=day).update(views=F("views") + 1)
    return True


# --- comments ---------------------------------------------------------------------------------------
COMMENT_MAX = 2000


def comment_submit(*, actor: Visitor, post: Post, body: str, is_anonymous: bool = False) -> Comment:
    """A comment, screened like posts: clean text is published at once, review hits wait for a
    reviewer, blocking words refuse it."""
    policy = get_policy().wall
    if actor.user is None and not policy.guest_comments:
        raise PermissionDenied(_("Log in to comment."))
    if actor.user is None and not actor.guest_token:
        raise PermissionDenied(_("Your browser must accept cookies to comment as a guest."))
    _public_post(post)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a comment first.")})
    if len(body) > COMMENT_MAX or "\x00" in body:
        raise ValidationError(
            {"body": _("Keep the comment within %(max)d characters.") % {"max": COMMENT_MAX}}
        )
    _check_rate(actor, "comment", policy.comments_per_hour_user, policy.comments_per_hour_ip)
    screened = screen_text(body)
    now = timezone.now()
    comment = Comment(
        post=post,
        body=screened.text,
        author=None if is_anonymous else actor.user,
        is_anonymous=is_anonymous or actor.user is None,
        submitter_key=actor.key,
        submitter_identity=actor.identity_json(),
        screening_action=screened.action,
        screening_hits=screened.hits,
    )
    if screened.action == "block":
        comment.status = Comment.Status.REJECTED
        comment.reject_reason = Post.RejectReason.ILLEGAL
        comment.reviewed_at = now
    elif screened.action == "review":
        comment.status = Comment.Status.PENDING
        comment.queue_reason = (
            _("Sensitive words found: %(words)s")
            % {"words": "、".join(dict.fromkeys(h["word"] for h in screened.hits))}
        )[:200]
    else:
        comment.status = Comment.Status.PUBLISHED
        comment.published_at = now
    with transaction.atomic():
        comment.save()
        if comment.status == Comment.Status.PUBLISHED:
            Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
            _on_commit_bump_post(post.pk)
    _record_rate(actor, "comment")
    return comment


@transaction.atomic
def comment_withdraw(*, actor: Visitor, comment: Comment) -> Comment:
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not actor.key or comment.submitter_key != actor.key:
        raise PermissionDenied(_("This is not your comment."))
    if comment.status not in (Comment.Status.PENDING, Comment.Status.PUBLISHED):
        raise ValidationError({"status": _("This comment can no longer be withdrawn.")})
    was_public = comment.status == Comment.Status.PUBLISHED
    comment.status = Comment.Status.WITHDRAWN
    comment.save(update_fields=["status", "updated"])
    if was_public:
        Post.objects.filter(pk=comment.post_id, comment_count__gt=0).update(
            comment_count=F("comment_count") - 1
        )
    return comment
