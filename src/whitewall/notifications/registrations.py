"""What notifications contributes: kinds, default grants (its own and core's jobs), menu, demo data,
and its listener for core.signals.job_failed."""

from django.utils.translation import gettext_lazy

from whitewall.accounts.roles import ALL, READ, ROLES, register_grants
from whitewall.core.demo import register_seeder
from whitewall.core.navigation import MenuItem, register_menu
from whitewall.core.signals import job_failed
from whitewall.notifications.registry import EMAIL, INAPP, WEBHOOK, register_kind

OWN_INBOX = ("view", "read")  # "read" = mark one's own notifications read or unread


def register() -> None:
    from whitewall.notifications import tasks  # noqa: F401 - registers the delivery task
    from whitewall.notifications.demo import seed_notifications
    from whitewall.notifications.receivers import on_job_failed

    register_kind(
        "notifications.general",
        gettext_lazy("General announcements"),
        default_channels=(INAPP,),
        description=gettext_lazy("Messages to staff that no other kind covers."),
    )
    register_kind(
        "jobs.failed",
        gettext_lazy("Background job failed"),
        default_channels=(INAPP, EMAIL, WEBHOOK),
        description=gettext_lazy("A background job or scheduled task failed after all its retries."),
    )
    register_kind(
        "notifications.test",
        gettext_lazy("Webhook test message"),
        default_channels=(),
        user_choosable=False,
    )

    # Everyone's inbox holds only their own notifications (auditors too: they are personal messages).
    register_grants(
        "notifications.notification",
        dict.fromkeys(ROLES, OWN_INBOX),
        constraints=dict.fromkeys(ROLES, {"recipient": "$user"}),
    )
    register_grants("notifications.webhookendpoint", {"system_admin": ALL, "auditor": READ})
    register_grants("notifications.delivery", {"system_admin": ("view", "change"), "auditor": READ})
    # core's jobs: each person sees the jobs they started; administrators and auditors see all.
    everyone_else = [role for role in ROLES if role not in ("system_admin", "auditor")]
    register_grants(
        "core.job",
        {**dict.fromkeys(everyone_else, READ), "system_admin": ("view", "delete"), "auditor": READ},
        constraints=dict.fromkeys(everyone_else, {"created_by": "$user"}),
    )
    # "add" a periodic run = run a scheduled task now.
    register_grants("core.periodicrun", {"system_admin": ("view", "add"), "auditor": READ})

    register_menu(
        "inbox",
        gettext_lazy("Notifications"),
        "bell",
        weight=5,
        items=[
            MenuItem(
                gettext_lazy("Inbox"),
                "notifications:notification_list",
                "notifications.view_notification",
                "inbox",
            ),
            MenuItem(
                gettext_lazy("Notification settings"),
                "notifications:notification_preferences",
                "notifications.view_notification",
                "sliders2",
            ),
        ],
    )
    register_menu(
        "system",
        gettext_lazy("System"),
        "gear",
        weight=95,
        items=[
            MenuItem(
                gettext_lazy("Webhooks"),
                "notifications:webhookendpoint_list",
                "notifications.view_webhookendpoint",
                "broadcast",
            ),
            MenuItem(
                gettext_lazy("Deliveries"),
                "notifications:delivery_list",
                "notifications.view_delivery",
                "send",
            ),
        ],
    )
    register_seeder("notifications", seed_notifications, weight=60)
    register_api_routes()
    job_failed.connect(on_job_failed, dispatch_uid="whitewall.notifications.job_failed")


def register_api_routes() -> None:
    from whitewall.core.api.registry import register_api
    from whitewall.notifications import api

    register_api("notifications/inbox", api.NotificationViewSet)
    register_api(
        "notifications/preferences", api.NotificationPreferenceViewSet, basename="notifications-preference"
    )
    register_api("notifications/webhooks", api.WebhookEndpointViewSet)
