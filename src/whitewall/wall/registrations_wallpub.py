"""What the public wall contributes to the platform registries: grants, menu, demo data, API, and
the plumbing that keeps the wall's page cache fresh."""

from django.db.models.signals import post_delete, post_save
from django.utils.translation import pgettext_lazy

from whitewall.accounts.roles import ALL, READ, register_grants
from whitewall.core.api.registry import register_api
from whitewall.core.demo import register_seeder
from whitewall.core.navigation import register_menu


def register() -> None:
    from whitewall.wall.api_public import (
        FeedbackViewSet,
        PublicPostViewSet,
        ReportViewSet,
        SubmissionViewSet,
    )
    from whitewall.wall.demo_public import seed_public_wall
    from whitewall.wall.models import Comment, Post
    from whitewall.wall.signals import comment_deleted, comment_saved, post_deleted, post_saved

    post_save.connect(post_saved, sender=Post, dispatch_uid="wall.cache.post_saved")
    post_delete.connect(post_deleted, sender=Post, dispatch_uid="wall.cache.post_deleted")
    post_save.connect(comment_saved, sender=Comment, dispatch_uid="wall.cache.comment_saved")
    post_delete.connect(comment_deleted, sender=Comment, dispatch_uid="wall.cache.comment_deleted")

    # Content operations: the operations manager manages the wall; reviewers decide on posts,
    # comments and reports; operators answer feedback; marketing reads; auditors only read.
    register_grants(
        "wall.post",
        {
            "operations_manager": ALL,
            "content_reviewer": ("view", "change"),
            "operator": READ,
            "marketing": READ,
            "auditor": READ,
        },
    )
    # The person behind a submission (encrypted): revealed only by these roles, each reveal audited.
    register_grants("wall.post", {"operations_manager": ("reveal",), "security_officer": ("reveal",)})
    register_grants(
        "wall.comment",
        {
            "operations_manager": ALL,
            "content_reviewer": ("view", "change"),
            "operator": READ,
            "auditor": READ,
        },
    )
    register_grants(
        "wall.report",
        {
            "operations_manager": ALL,
            "content_reviewer": ("view", "change"),
            "operator": READ,
            "auditor": READ,
        },
    )
    register_grants(
        "wall.feedback",
        {
            "operations_manager": ALL,
            "operator": ("view", "change"),
            "content_reviewer": READ,
            "auditor": READ,
        },
    )
    for model in ("wall.topic", "wall.tag"):
        register_grants(
            model,
            {
                "operations_manager": ALL,
                "operator": READ,
                "content_reviewer": READ,
                "marketing": READ,
                "auditor": READ,
            },
        )

    # The console's content-operations group; its pages (review queue, plan, reports, feedback)
    # add their items under the same key. The public wall itself is not a console page.
    register_menu(
        "wall", pgettext_lazy("menu group", "Content operations"), "chat-square-text", weight=20, items=[]
    )
    register_seeder("wall_public", seed_public_wall, weight=30)

    register_api("wall/posts", PublicPostViewSet, basename="wall-public-post")
    register_api("wall/submissions", SubmissionViewSet, basename="wall-submission")
    register_api("wall/reports", ReportViewSet, basename="wall-report")
    register_api("wall/feedback", FeedbackViewSet, basename="wall-feedback")
