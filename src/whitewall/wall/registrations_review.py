"""What content operations contribute: notification kinds, grants, menu, home card, API, checks,
the rescreening hook and demo data."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from whitewall.accounts.roles import register_grants
from whitewall.core.api.registry import register_api
from whitewall.core.dashboard import register_widget
from whitewall.core.demo import register_seeder
from whitewall.core.navigation import MenuItem, register_menu
from whitewall.core.permissions import permission_constraints
from whitewall.notifications.registry import EMAIL, INAPP, register_kind
from whitewall.wall.screening import word_lists_changed


def _pending_reviews(user) -> int:
    from whitewall.wall.models import Comment, Post

    return (
        Post.objects.restrict(user, "review").filter(status=Post.Status.PENDING).count()
        + Comment.objects.restrict(user, "review").filter(status=Comment.Status.PENDING).count()
    )


def _open_reports(user) -> int:
    from whitewall.wall.models import Report

    return Report.objects.restrict(user, "view").filter(status=Report.Status.OPEN).count()


def _open_feedback(user) -> int:
    from whitewall.wall.models import Feedback

    return Feedback.objects.restrict(user, "view").filter(status=Feedback.Status.OPEN).count()


def content_operations_card(request):
    """Pending reviews, overdue reports and overdue complaints: real counts, each linking to its list."""
    from whitewall.wall.models import Comment, Feedback, Post, Report

    user, now = request.user, timezone.now()
    figures, warning = [], False
    if (
        permission_constraints(user, "wall.review_post") is not None
        or permission_constraints(user, "wall.review_comment") is not None
    ):
        pending = _pending_reviews(user)
        flagged = (
            Post.objects.restrict(user, "review").filter(flagged_at__isnull=False).count()
            + Comment.objects.restrict(user, "review").filter(flagged_at__isnull=False).count()
        )
        figures.append((_("Waiting for review"), pending, reverse("wall:review_list")))
        if flagged:
            figures.append((_("Flagged by new words"), flagged, reverse("wall:review_list") + "?tab=flagged"))
    if permission_constraints(user, "wall.view_report") is not None:
        reports = Report.objects.restrict(user, "view").filter(status=Report.Status.OPEN)
        overdue = reports.filter(due_at__lt=now).count()
        figures.append((_("Open reports"), reports.count(), reverse("wall:report_list") + "?status=open"))
        figures.append(
            (_("Overdue reports"), overdue, reverse("wall:report_list") + "?status=open&overdue=true")
        )
        warning = warning or overdue > 0
    if permission_constraints(user, "wall.view_feedback") is not None:
        late = (
            Feedback.objects.restrict(user, "view")
            .filter(status=Feedback.Status.OPEN, due_at__lt=now)
            .count()
        )
        figures.append(
            (_("Overdue feedback and complaints"), late, reverse("wall:feedback_list") + "?overdue=true")
        )
        warning = warning or late > 0
    if not figures:
        return None
    return {"title": _("Content operations"), "icon": "shield-check", "figures": figures, "warning": warning}


def register() -> None:
    from whitewall.wall import (
        checks,  # noqa: F401 - registers 2.3.2 and 1.3.1
        tasks_review,
    )
    from whitewall.wall.api_review import (
        CommentReviewViewSet,
        FeedbackViewSet,
        PostReviewViewSet,
        ReportViewSet,
    )
    from whitewall.wall.demo_review import seed_review

    for key, label, description in (
        (
            "wall.review_decided",
            gettext_lazy("Your post or comment was reviewed"),
            gettext_lazy("Approved, rejected with a reason, or sent back for editing."),
        ),
        (
            "wall.taken_down",
            gettext_lazy("Your content was taken down"),
            gettext_lazy("A post or comment of yours was removed, with the reason."),
        ),
        ("wall.takedown_request_decided", gettext_lazy("Your take-down request was decided"), ""),
        (
            "wall.report_handled",
            gettext_lazy("Your report was handled"),
            gettext_lazy("The outcome of a report you made."),
        ),
        (
            "wall.feedback_replied",
            gettext_lazy("The operations team replied"),
            gettext_lazy("A reply to your feedback, complaint or request for help."),
        ),
    ):
        register_kind(key, label, default_channels=(INAPP, EMAIL), description=description)

    # Reading posts, comments, reports and feedback, and handling reports and feedback, are granted
    # with the public wall (registrations_wallpub); these are the review actions on top.
    register_grants(
        "wall.post", {"operations_manager": ("review", "take_down"), "content_reviewer": ("review",)}
    )
    register_grants(
        "wall.comment", {"operations_manager": ("review", "take_down"), "content_reviewer": ("review",)}
    )

    register_menu(
        "wall",
        gettext_lazy("The wall"),
        "megaphone",
        weight=20,
        items=[
            MenuItem(
                gettext_lazy("Review queue"),
                "wall:review_list",
                "wall.review_post",
                "check2-square",
                badge=_pending_reviews,
            ),
            MenuItem(
                gettext_lazy("Reports"), "wall:report_list", "wall.view_report", "flag", badge=_open_reports
            ),
            MenuItem(
                gettext_lazy("Feedback and complaints"),
                "wall:feedback_list",
                "wall.view_feedback",
                "chat-left-text",
                badge=_open_feedback,
            ),
            MenuItem(
                gettext_lazy("Take-down requests"), "wall:takedown_list", "wall.take_down_post", "eye-slash"
            ),
        ],
    )
    register_widget("wall_content_operations", content_operations_card, weight=20)

    register_api("wall/review/posts", PostReviewViewSet, basename="wall-review-post")
    register_api("wall/review/comments", CommentReviewViewSet, basename="wall-review-comment")
    register_api("wall/moderation/reports", ReportViewSet, basename="wall-moderation-report")
    register_api("wall/moderation/feedback", FeedbackViewSet, basename="wall-moderation-feedback")

    register_seeder("wall_review", seed_review, weight=60)

    # A changed word list screens published content again, in a background job.
    word_lists_changed.connect(tasks_review.on_word_lists_changed, dispatch_uid="wall.rescreen")
