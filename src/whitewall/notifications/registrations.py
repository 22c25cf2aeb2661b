"""What notifications contributes: kinds, default grants (its own and core's jobs), menu, demo data,
and its listeners for core.signals.job_failed, approvals.signals.approval_event and
regulation.signals.acknowledgement_due."""

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
    from whitewall.notifications.receivers import on_acknowledgement_due, on_approval_event, on_job_failed

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
    register_approval_kinds()
    register_kind(
        "regulation.acknowledgement_due",
        gettext_lazy("Regulation acknowledgement reminder"),
        default_channels=(INAPP,),
        description=gettext_lazy("You have not yet acknowledged the regulation version in force."),
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
    # Importing the signals of approvals and regulation is allowed (they are not the domain apps
    # wall/projects/finance that platform apps must not import).
    from whitewall.approvals.signals import approval_event
    from whitewall.regulation.signals import acknowledgement_due

    approval_event.connect(on_approval_event, dispatch_uid="whitewall.notifications.approval_event")
    acknowledgement_due.connect(
        on_acknowledgement_due, dispatch_uid="whitewall.notifications.acknowledgement_due"
    )


APPROVAL_KINDS = (
    # (kind, label, default channels, description)
    (
        "approvals.task_assigned",
        gettext_lazy("Approval waiting for you"),
        (INAPP, EMAIL),
        gettext_lazy("An approval request has reached a step that you approve."),
    ),
    (
        "approvals.cc",
        gettext_lazy("CC'd on an approval request"),
        (INAPP,),
        gettext_lazy("Someone CC'd you on an approval request, or its process CCs your role."),
    ),
    (
        "approvals.decided",
        gettext_lazy("Approval request approved or rejected"),
        (INAPP,),
        gettext_lazy("A request you submitted or were CC'd on was finally approved or rejected."),
    ),
    (
        "approvals.sent_back",
        gettext_lazy("Approval request sent back"),
        (INAPP, EMAIL),
        gettext_lazy("An approver sent your request back for changes, with the reason."),
    ),
    (
        "approvals.withdrawn",
        gettext_lazy("Approval request withdrawn"),
        (INAPP,),
        gettext_lazy("The applicant withdrew a request that was waiting for your decision."),
    ),
    (
        "approvals.reminder",
        gettext_lazy("Approval reminder"),
        (INAPP, EMAIL),
        gettext_lazy("A request has been waiting for your decision longer than allowed."),
    ),
    (
        "approvals.escalated",
        gettext_lazy("Escalated approval"),
        (INAPP, EMAIL),
        gettext_lazy(
            "A step waited far too long, or had no approver, and was handed to your role to decide."
        ),
    ),
)


def register_approval_kinds() -> None:
    """One kind per approval event a person would want to switch on or off on its own
    (approved and rejected share "decided"); see receivers.APPROVAL_KINDS."""
    for kind, label, channels, description in APPROVAL_KINDS:
        register_kind(kind, label, default_channels=channels, description=description)


def register_api_routes() -> None:
    from whitewall.core.api.registry import register_api
    from whitewall.notifications import api

    register_api("notifications/inbox", api.NotificationViewSet)
    register_api(
        "notifications/preferences", api.NotificationPreferenceViewSet, basename="notifications-preference"
    )
    register_api("notifications/webhooks", api.WebhookEndpointViewSet)
