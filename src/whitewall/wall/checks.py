"""Clause checks of content operations: 2.3.2 (content operations) and 1.3.1 (legality).

2.3.2 combines four components over the last ``WINDOW_DAYS`` days: every published post was
reviewed (100%), complaints answered within ``complaint_response_hours``, reports handled within
``report_response_hours`` (both against ``response_on_time_target_percent``), and the publishing
calendar filled for the coming period (the publishing module's ``checks_plan.calendar_status``). 1.3.1 needs screening in place and review in place.

Each component is a ``Component`` so that the lead (or another module) can combine them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from whitewall.config.policy import get_policy
from whitewall.regulation.checks import CheckResult, Status, as_of, clause_check

WINDOW_DAYS = 30
ORDER = {Status.GREEN: 0, Status.AMBER: 1, Status.NOT_BUILT: 1, Status.RED: 2}


@dataclass(frozen=True)
class Component:
    key: str
    status: Status
    text: str
    figures: dict


def _worst(components: list[Component]) -> Status:
    worst = max((c.status for c in components), key=ORDER.__getitem__)
    return Status.AMBER if worst == Status.NOT_BUILT else worst


def _combine(components: list[Component], evidence_url: str) -> CheckResult:
    figures = {}
    for component in components:
        figures.update(component.figures)
    return CheckResult(
        _worst(components), " ".join(c.text for c in components), evidence_url=evidence_url, figures=figures
    )


def _window():
    end = as_of()
    return end - datetime.timedelta(days=WINDOW_DAYS), end


def _post_content_types() -> list[int]:
    from whitewall.wall.models import Post

    names = [
        m._meta.model_name for m in apps.get_app_config("wall").get_models() if m._meta.concrete_model is Post
    ]
    return list(ContentType.objects.filter(app_label="wall", model__in=names).values_list("pk", flat=True))


# --- components -----------------------------------------------------------------------------------
def published_posts_reviewed() -> Component:
    """Every post published in the window was reviewed: by a reviewer in the queue, or (staff posts)
    through an approved approval request."""
    from whitewall.approvals.models import ApprovalRequest, RequestStatus
    from whitewall.wall.models import Post

    start, end = _window()
    published = Post.objects.filter(published_at__gte=start, published_at__lte=end)
    total = published.count()
    approved_ids = ApprovalRequest.objects.filter(
        content_type_id__in=_post_content_types(), status=RequestStatus.APPROVED, finished_at__lte=end
    ).values("object_id")
    reviewed = published.filter(
        Q(reviewed_by__isnull=False, reviewed_at__lte=end) | Q(pk__in=approved_ids)
    ).count()
    figures = {"published_posts": total, "reviewed_posts": reviewed}
    if not total:
        return Component(
            "reviewed",
            Status.AMBER,
            _("No post was published in the last %(days)d days, so review coverage cannot be shown.")
            % {"days": WINDOW_DAYS},
            figures,
        )
    share = 100 * reviewed / total
    figures["reviewed_percent"] = round(share, 1)
    text = _(
        "%(reviewed)d of %(total)d posts published in the last %(days)d days were reviewed (%(share).1f%%)."
    ) % {
        "reviewed": reviewed,
        "total": total,
        "days": WINDOW_DAYS,
        "share": share,
    }
    return Component("reviewed", Status.GREEN if reviewed == total else Status.RED, text, figures)


def _on_time(rows: int, late: int, key: str, label: str, none_text: str) -> Component:
    target = get_policy().wall.response_on_time_target_percent
    figures = {f"{key}_due": rows, f"{key}_late": late, "on_time_target_percent": target}
    if not rows:
        return Component(key, Status.GREEN, none_text, figures)
    share = 100 * (rows - late) / rows
    figures[f"{key}_on_time_percent"] = round(share, 1)
    text = label % {"on_time": rows - late, "total": rows, "share": share, "target": target}
    if share >= target:
        status = Status.GREEN
    elif share >= target - 10:
        status = Status.AMBER
    else:
        status = Status.RED
    return Component(key, status, text, figures)


def complaints_answered_in_time() -> Component:
    """Complaints whose deadline fell in the window: answered by the deadline (open past it = late)."""
    from whitewall.wall.models import Feedback

    start, end = _window()
    due = Feedback.objects.filter(kind=Feedback.Kind.COMPLAINT, due_at__gte=start, due_at__lte=end)
    late = due.filter(Q(replied_at__isnull=True) | Q(replied_at__gt=F("due_at"))).count()
    return _on_time(
        due.count(),
        late,
        "complaints",
        _(
            "Complaints answered within the deadline: %(on_time)d of %(total)d (%(share).1f%%, target %(target)d%%)."
        ),
        _("No complaint was due in the last %(days)d days.") % {"days": WINDOW_DAYS},
    )


def reports_handled_in_time() -> Component:
    """Reports whose deadline fell in the window, handled by it; the reports still open are counted too
    (a report made today is not due yet, but the board shows it is waiting)."""
    from whitewall.wall.models import Report

    start, end = _window()
    due = Report.objects.filter(due_at__gte=start, due_at__lte=end)
    late = due.filter(Q(handled_at__isnull=True) | Q(handled_at__gt=F("due_at"))).count()
    waiting = Report.objects.filter(status=Report.Status.OPEN, created__lte=end).count()
    component = _on_time(
        due.count(),
        late,
        "reports",
        _(
            "Reports handled within the deadline: %(on_time)d of %(total)d (%(share).1f%%, target %(target)d%%)."
        ),
        _("No report was due in the last %(days)d days.") % {"days": WINDOW_DAYS},
    )
    if not waiting:
        return Component(
            component.key, component.status, component.text, {**component.figures, "reports_open": 0}
        )
    text = (
        component.text
        + " "
        + ngettext("%(count)d report is open.", "%(count)d reports are open.", waiting) % {"count": waiting}
    )
    return Component(component.key, component.status, text, {**component.figures, "reports_open": waiting})


def calendar_filled() -> Component:
    """The publishing plan's part: the calendar is filled for the coming period."""
    from whitewall.wall.checks_plan import calendar_status

    result = calendar_status(as_of())
    return Component("calendar", result.status, result.explanation, result.figures)


def review_in_place() -> Component:
    """1.3.1's moderation part: someone can review, and published posts were reviewed."""
    reviewed = published_posts_reviewed()
    reviewers = (
        get_user_model()
        .objects.filter(
            is_active=True, is_staff=True, groups__name__in=("content_reviewer", "operations_manager")
        )
        .distinct()
        .count()
    )
    figures = {**reviewed.figures, "reviewers": reviewers}
    if not reviewers:
        return Component(
            "review", Status.RED, _("Nobody holds the content reviewer or operations manager role."), figures
        )
    if reviewed.status == Status.RED:
        return Component("review", Status.RED, reviewed.text, figures)
    return Component(
        "review",
        Status.GREEN,
        _("Content review is in place: %(count)d reviewers; %(detail)s")
        % {"count": reviewers, "detail": reviewed.text},
        figures,
    )


def screening_in_place() -> Component:
    """1.3.1's screening part, from the sensitive-word module when it is installed."""
    from whitewall.wall.checks_words import sensitive_word_screening

    result = sensitive_word_screening()
    if result.status == Status.RED:
        return Component("screening", Status.RED, result.explanation, result.figures)
    words = result.figures.get("active_words", 0)
    return Component(
        "screening",
        Status.GREEN,
        _("Sensitive-word screening is in place (%(words)d active words).") % {"words": words},
        result.figures,
    )


# --- the checks -------------------------------------------------------------------------------------
@clause_check("2.3.2", historical=True)
def content_operations() -> CheckResult:
    components = [
        published_posts_reviewed(),
        complaints_answered_in_time(),
        reports_handled_in_time(),
        calendar_filled(),
    ]
    return _combine(components, reverse("wall:review_list"))


@clause_check("1.3.1", historical=True)
def legality() -> CheckResult:
    return _combine([screening_in_place(), review_in_place()], reverse("wall:review_list"))
