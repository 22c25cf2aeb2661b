"""Reports of posts and comments by the public: weighted by the reporter's record, hiding at the threshold."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from whitewall.config.policy import get_policy
from whitewall.wall import ratelimit
from whitewall.wall.cache import bump_post_version, bump_wall_version
from whitewall.wall.models import Comment, Post, Report
from whitewall.wall.visitor import Visitor

DAY = 24 * 3600
RATE_LIMITED = "rate_limited"  # the code of the ValidationError raised when a limit is reached


def reporter_weight(reporter_key: str) -> Decimal:
    """1, plus the policy's bonus per upheld report, minus its penalty per dismissed one, clamped."""
    policy = get_policy().wall
    if not reporter_key:
        return Decimal("1.00")
    record = Report.objects.filter(reporter_key=reporter_key).aggregate(
        upheld=Count("pk", filter=Q(status=Report.Status.UPHELD)),
        dismissed=Count("pk", filter=Q(status=Report.Status.DISMISSED)),
    )
    weight = (
        1
        + policy.reporter_weight_upheld_bonus * record["upheld"]
        - policy.reporter_weight_dismissed_penalty * record["dismissed"]
    )
    weight = min(max(weight, policy.reporter_weight_min), policy.reporter_weight_max)
    return Decimal(str(weight)).quantize(Decimal("0.01"))


def report_submit(
    *, actor: Visitor, post: Post | None = None, comment: Comment | None = None, reason: str, detail: str = ""
) -> Report:
    """Report a post or a comment once; hides it when the open reports' score reaches the threshold.

    A guest (no account, known by the signed guest cookie) may report when the policy allows it
    (``wall.guest_reports``); the report weighs ``wall.guest_report_weight``."""
    policy = get_policy().wall
    guest = actor.user is None
    if guest and not policy.guest_reports:
        raise PermissionDenied(
            _("Reports without an account are turned off on this wall. Log in to report content.")
        )
    if guest and not actor.guest_token:
        raise PermissionDenied(_("Your browser must accept cookies to report as a guest."))
    if (post is None) == (comment is None):
        raise ValidationError(_("Report either a post or a comment."))
    if reason not in Report.Reason.values:
        raise ValidationError({"reason": _("Choose a reason from the list.")})
    detail = (detail or "").strip()
    if len(detail) > 2000 or "\x00" in detail:
        raise ValidationError({"detail": _("Keep the details within %(max)d characters.") % {"max": 2000}})
    target = post if post is not None else comment
    if not target.is_public:
        raise ValidationError(_("This item is not on the wall."))
    limits = _limits(actor)
    for scope, ident, limit in limits:
        if not ratelimit.allowed(scope, ident, limit, DAY):
            raise ValidationError(
                _("You have sent as many reports as allowed today (%(limit)d). Try again tomorrow.")
                % {"limit": limit},
                code=RATE_LIMITED,
            )
    model = Post if post is not None else Comment
    weight = (
        Decimal(str(policy.guest_report_weight)).quantize(Decimal("0.01"))
        if guest
        else reporter_weight(actor.key)
    )
    now = timezone.now()
    try:
        with transaction.atomic():
            report = Report.objects.create(
                post=post,
                comment=comment,
                reason=reason,
                detail=detail,
                reporter=actor.user,
                reporter_key=actor.key,
                by_guest=guest,
                weight=weight,
                due_at=now + datetime.timedelta(hours=policy.report_response_hours),
            )
            model.objects.filter(pk=target.pk).update(report_score=F("report_score") + weight)
            locked = model.objects.select_for_update().get(pk=target.pk)
            if locked.hidden_at is None and locked.report_score >= Decimal(str(policy.report_hide_threshold)):
                model.objects.filter(pk=target.pk).update(hidden_at=now)
                if comment is not None:
                    post_pk = comment.post_id
                    transaction.on_commit(lambda: bump_post_version(post_pk))
                else:
                    transaction.on_commit(bump_wall_version)
    except IntegrityError:
        raise ValidationError(_("You have already reported this.")) from None
    for scope, ident, _limit in limits:
        ratelimit.record(scope, ident, DAY)
    return report


def _limits(actor: Visitor) -> list[tuple[str, str, int]]:
    """(scope, identity, per-day limit): a user's own limit; a guest's cookie and address limits."""
    policy = get_policy().wall
    if actor.user is not None:
        return [("report", actor.rate_ident, policy.reports_per_day_user)]
    return [
        ("report:guest", f"guest:{actor.guest_token}", policy.reports_per_day_guest),
        ("report:ip", actor.ip, policy.reports_per_day_ip),
    ]
