"""Rescreening of published content when a word list changes (a background job with progress).

Published posts and comments are screened again in batches. An item with new hits (words that its
stored hits did not have) whose result is ``review`` or ``block`` is flagged for the review queue
with the reason "word list changed"; a ``block`` result also hides it from the wall until a reviewer
keeps it or takes it down (docs/development/decisions.md).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from whitewall.core.jobs import enqueue_job, job_task
from whitewall.wall.models import Comment, Post
from whitewall.wall.review_screening import screen_texts

BATCH = 200
FLAG_ACTIONS = ("review", "block")


def _words(hits) -> set[str]:
    return {hit.get("word", "") for hit in hits or [] if isinstance(hit, dict)}


def rescreen_batch(items, now) -> tuple[int, int]:
    """Screen ``items`` (posts or comments) again; returns (flagged, hidden)."""
    results = screen_texts([item.body for item in items])
    flagged = hidden = 0
    for item, result in zip(items, results, strict=True):
        new_words = _words(result["hits"]) - _words(item.screening_hits)
        if result["action"] not in FLAG_ACTIONS or not new_words:
            continue
        item.screening_action = result["action"]
        item.screening_hits = result["hits"]
        item.flagged_at = now
        item.queue_reason = (_("Word list changed: %(words)s") % {"words": "、".join(sorted(new_words))})[
            :200
        ]
        fields = ["screening_action", "screening_hits", "flagged_at", "queue_reason", "updated"]
        if result["action"] == "block" and item.hidden_at is None:
            item.hidden_at = now
            fields.append("hidden_at")
            hidden += 1
        item.save(update_fields=fields)
        flagged += 1
    return flagged, hidden


@job_task("wall.rescreen")
def rescreen(ctx, *, reason: str = "") -> dict:
    posts = Post.objects.filter(status=Post.Status.PUBLISHED).order_by("pk")
    comments = Comment.objects.filter(status=Comment.Status.PUBLISHED).order_by("pk")
    total = posts.count() + comments.count()
    ctx.progress(
        0, _("Rescreening %(count)d published items. %(reason)s") % {"count": total, "reason": reason}
    )
    done = flagged = hidden = 0
    for queryset in (posts, comments):
        last = 0
        while True:
            batch = list(queryset.filter(pk__gt=last)[:BATCH])
            if not batch:
                break
            last = batch[-1].pk
            with transaction.atomic():
                got, gone = rescreen_batch(batch, timezone.now())
            flagged, hidden, done = flagged + got, hidden + gone, done + len(batch)
            ctx.progress(100 * done / max(total, 1))
    if hidden:
        from whitewall.wall.cache import bump_wall_version

        bump_wall_version()
    ctx.log(
        _("%(done)d screened, %(flagged)d flagged for review, %(hidden)d hidden.")
        % {"done": done, "flagged": flagged, "hidden": hidden}
    )
    return {"screened": done, "flagged": flagged, "hidden": hidden}


def rescreen_start(*, user=None, reason: str = ""):
    """Queue a rescreening job (runs after the current transaction commits)."""
    return enqueue_job(_("Rescreen published posts and comments"), rescreen, user=user, reason=str(reason))


def on_word_lists_changed(sender, version: str = "", **kwargs) -> None:
    """``word_lists_changed`` receiver: never work inside the receiver, queue the job."""
    rescreen_start(reason=_("Word lists changed (version %(version)s).") % {"version": version})
