"""The wall's periodic jobs. Idempotent: each post is claimed in the database before it is touched."""

from django.utils.translation import gettext_lazy as _

from whitewall.core.jobs import periodic


@periodic(
    "wall.publish_due",
    label=_("Publish scheduled posts"),
    description=_(
        "Every minute: publishes posts whose slot has come (exactly once), expires posts past their "
        "expiry and gives approved posts in the staging queue their slot."
    ),
    minute="*",
)
def publish_due_posts():
    from whitewall.wall.services.publishing import publish_due

    return publish_due()
