"""Feedback, complaints and requests for help from wall users to the operations team."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from whitewall.config.policy import get_policy
from whitewall.wall import ratelimit
from whitewall.wall.models import Feedback, Post

HOUR = 3600
FEEDBACK_PER_HOUR = 10


@transaction.atomic
def feedback_send(*, actor, kind: str, subject: str, body: str, post: Post | None = None) -> Feedback:
    """A signed-in wall user writes to the operations team; the answer is due per the policy."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Log in to contact the operations team."))
    subject = (subject or "").strip()
    body = (body or "").strip()
    errors: dict[str, list[str]] = {}
    if kind not in Feedback.Kind.values:
        errors["kind"] = [_("Choose what kind of message this is.")]
    if not subject:
        errors["subject"] = [_("Give your message a subject.")]
    elif len(subject) > 120:
        errors["subject"] = [_("Keep the subject within %(max)d characters.") % {"max": 120}]
    if not body:
        errors["body"] = [_("Write your message.")]
    elif len(body) > 5000:
        errors["body"] = [_("Keep the message within %(max)d characters.") % {"max": 5000}]
    if "\x00" in subject or "\x00" in body:
        errors["body"] = [_("The text contains characters that cannot be stored.")]
    if post is not None and not post.is_public:
        post = None
    if errors:
        raise ValidationError(errors)
    ident = f"user:{actor.pk}"
    if not ratelimit.allowed("feedback", ident, FEEDBACK_PER_HOUR, HOUR):
        raise ValidationError(_("You have sent many messages in the last hour. Try again later."))
    feedback = Feedback.objects.create(
        kind=kind,
        user=actor,
        subject=subject,
        body=body,
        post=post,
        due_at=timezone.now() + datetime.timedelta(hours=get_policy().wall.complaint_response_hours),
    )
    ratelimit.record("feedback", ident, HOUR)
    return feedback
