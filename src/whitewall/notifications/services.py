"""Notification services: notify people, mark notifications read, preferences, delivery retries."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from whitewall.config.policy import get_policy
from whitewall.core.permissions import has_model_permission
from whitewall.notifications import channels
from whitewall.notifications.models import Delivery, Notification, NotificationPreference, WebhookEndpoint
from whitewall.notifications.registry import EMAIL, INAPP, USER_CHANNELS, get_kind, kinds

READ_ACTION = "read"


def _enqueue_deliveries(ids: list[int]) -> None:
    from whitewall.notifications.tasks import deliver

    for delivery_id in ids:
        deliver(delivery_id)


def _object_fields(obj: Model | None, url: str | None) -> dict[str, str]:
    if obj is None:
        return {"url": url or "", "object_type": "", "object_id": ""}
    if url is None:
        getter = getattr(obj, "get_absolute_url", None)
        url = (getter() if getter else "") or ""
    return {"url": url, "object_type": obj._meta.label_lower, "object_id": str(obj.pk)}


def wanted_channels(user, kind_key: str, preferences: dict | None = None) -> set[str]:
    """The channels ``user`` receives ``kind_key`` on: their preferences, else the kind's defaults."""
    kind = get_kind(kind_key)
    if preferences is None:
        preferences = {
            (user.pk, p.channel): p.enabled
            for p in NotificationPreference.objects.filter(user=user, kind=kind_key)
        }
    return {
        channel
        for channel in USER_CHANNELS
        if preferences.get((user.pk, channel), channel in kind.default_channels)
    }


@transaction.atomic
def notify(
    *,
    recipients: Iterable,
    kind: str,
    title: str,
    body: str = "",
    obj: Model | None = None,
    url: str | None = None,
) -> list[Notification]:
    """Tell ``recipients`` about something: in-app now, e-mail and webhooks by jobs on commit.

    Each recipient's preferences choose in-app and e-mail; every enabled webhook endpoint that
    receives ``kind`` gets one message. Returns the in-app notifications created.
    """
    spec = get_kind(kind)
    title = str(title)[:200]
    body = str(body)
    users = {}
    for user in recipients:
        if user is not None and user.pk and user.is_active:
            users[user.pk] = user
    fields = {"kind": kind, "title": title, "body": body, **_object_fields(obj, url)}
    preferences = {
        (p.user_id, p.channel): p.enabled
        for p in NotificationPreference.objects.filter(user_id__in=list(users), kind=kind)
    }
    notifications, deliveries = [], []
    for user in users.values():
        wanted = wanted_channels(user, kind, preferences)
        if INAPP in wanted:
            notifications.append(Notification(recipient=user, **fields))
        if EMAIL in wanted and user.email:
            deliveries.append(Delivery(channel=Delivery.EMAIL, recipient=user, target=user.email, **fields))
    for endpoint in WebhookEndpoint.objects.filter(enabled=True):
        if endpoint.receives(spec):
            deliveries.append(
                Delivery(channel=Delivery.WEBHOOK, endpoint=endpoint, target=endpoint.name, **fields)
            )
    Notification.objects.bulk_create(notifications)
    Delivery.objects.bulk_create(deliveries)
    ids = [delivery.pk for delivery in deliveries]
    if ids:
        transaction.on_commit(lambda: _enqueue_deliveries(ids))
    return notifications


def notify_role(*, role: str, **kwargs) -> list[Notification]:
    """Notify every active member of a role (e.g. ``system_admin``)."""
    users = get_user_model().objects.filter(is_active=True, groups__name=role).distinct()
    return notify(recipients=users, **kwargs)


# --- the inbox ------------------------------------------------------------------------------------
def readable(actor):
    """The actor's own notifications that they may mark read or unread."""
    return Notification.objects.restrict(actor, READ_ACTION).filter(recipient=actor)


@transaction.atomic
def notification_mark_read(*, actor, notification: Notification, read: bool = True) -> Notification:
    if not readable(actor).filter(pk=notification.pk).exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    notification.read_at = timezone.now() if read else None
    notification.save(update_fields=["read_at", "updated"])
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor) -> int:
    now = timezone.now()
    return readable(actor).filter(read_at__isnull=True).update(read_at=now, updated=now)


def unread_count(user) -> int:
    return Notification.objects.restrict(user, "view").filter(recipient=user, read_at__isnull=True).count()


@transaction.atomic
def preferences_save(*, actor, enabled: set[tuple[str, str]]) -> int:
    """Store the actor's choice for every user-choosable kind and channel; returns rows written."""
    written = 0
    for kind in kinds():
        if not kind.user_choosable:
            continue
        for channel in USER_CHANNELS:
            NotificationPreference.objects.update_or_create(
                user=actor,
                kind=kind.key,
                channel=channel,
                defaults={"enabled": (kind.key, channel) in enabled},
            )
            written += 1
    return written


# --- deliveries -------------------------------------------------------------------------------------
def delivery_backoff(attempt: int) -> int:
    """Seconds before the next try after failed attempt ``attempt`` (1-based): doubling."""
    return get_policy().notifications.retry_seconds * 2 ** max(attempt - 1, 0)


def delivery_attempt(*, delivery_id: int) -> int | None:
    """Try to send one delivery once. Returns the seconds to wait before retrying, or None when done.

    Idempotent: only a pending delivery is claimed (pending → sending), so a sent one is never
    sent again and two workers never send the same one.
    """
    now = timezone.now()
    claimed = Delivery.objects.filter(pk=delivery_id, status=Delivery.PENDING).update(
        status=Delivery.SENDING, attempts=F("attempts") + 1, last_attempt_at=now, updated=now
    )
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("endpoint").get(pk=delivery_id)
    try:
        outcome = channels.send(delivery)
    except channels.DeliveryError as exc:
        max_attempts = get_policy().notifications.max_attempts
        changes = {
            "last_error": str(exc)[:2000],
            "response_code": exc.response_code,
            "updated": timezone.now(),
        }
        if exc.permanent or delivery.attempts >= max_attempts:
            Delivery.objects.filter(pk=delivery_id).update(
                status=Delivery.FAILED, next_attempt_at=None, **changes
            )
            return None
        delay = delivery_backoff(delivery.attempts)
        Delivery.objects.filter(pk=delivery_id).update(
            status=Delivery.PENDING, next_attempt_at=now + datetime.timedelta(seconds=delay), **changes
        )
        return delay
    Delivery.objects.filter(pk=delivery_id).update(
        status=Delivery.SENT,
        sent_at=timezone.now(),
        response_code=outcome.response_code,
        last_error="",
        next_attempt_at=None,
        updated=timezone.now(),
    )
    return None


@transaction.atomic
def delivery_retry(*, actor, delivery: Delivery) -> Delivery:
    """Send a failed delivery again, with a fresh round of attempts."""
    if not Delivery.objects.restrict(actor, "change").filter(pk=delivery.pk).exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    if delivery.status != Delivery.FAILED:
        raise ValidationError({"status": _("Only a failed delivery can be sent again.")})
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.PENDING, attempts=0, next_attempt_at=None, updated=timezone.now()
    )
    transaction.on_commit(lambda: _enqueue_deliveries([delivery.pk]))
    delivery.refresh_from_db()
    return delivery


@transaction.atomic
def webhook_endpoint_save(*, actor, endpoint: WebhookEndpoint, secret: str | None = None) -> WebhookEndpoint:
    """Create or change a webhook endpoint. ``secret``: None keeps the stored one (or what the
    caller set on ``endpoint``), "" removes it, anything else replaces it (stored encrypted)."""
    if endpoint.pk is None:
        allowed = has_model_permission(actor, WebhookEndpoint, "add")
    else:
        allowed = WebhookEndpoint.objects.restrict(actor, "change").filter(pk=endpoint.pk).exists()
    if not allowed:
        raise PermissionDenied(_("You do not have permission to do this."))
    if secret is not None:
        endpoint.secret = secret
    endpoint.full_clean()
    endpoint.save()
    return endpoint


@transaction.atomic
def webhook_endpoint_test(*, actor, endpoint: WebhookEndpoint) -> Delivery:
    """Queue a test message to one endpoint (even a disabled one is refused by the sender)."""
    if not WebhookEndpoint.objects.restrict(actor, "change").filter(pk=endpoint.pk).exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    delivery = Delivery.objects.create(
        channel=Delivery.WEBHOOK,
        endpoint=endpoint,
        target=endpoint.name,
        kind="notifications.test",
        title=_("Whitewall test message"),
        body=_("If you can read this, the webhook endpoint %(name)s works.") % {"name": endpoint.name},
    )
    transaction.on_commit(lambda: _enqueue_deliveries([delivery.pk]))
    return delivery
