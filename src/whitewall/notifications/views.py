"""The inbox, the bell, preferences, webhook endpoints and the delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from whitewall.core.permissions import CHANGE, VIEW, has_model_permission
from whitewall.core.tables import Column
from whitewall.core.views import (
    BulkAction,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectPermissionRequiredMixin,
)
from whitewall.core.views.generic import safe_return_url
from whitewall.notifications import services
from whitewall.notifications.filtersets import (
    DeliveryFilterSet,
    NotificationFilterSet,
    WebhookEndpointFilterSet,
)
from whitewall.notifications.forms import WebhookEndpointForm
from whitewall.notifications.models import Delivery, Notification, WebhookEndpoint
from whitewall.notifications.registry import CHANNELS, USER_CHANNELS, kinds

STATUS_STYLES = {"pending": "secondary", "sending": "primary", "sent": "success", "failed": "danger"}


def _read_state(notification):
    if notification.read_at is None:
        return format_html('<span class="badge text-bg-primary">{}</span>', _("unread"))
    return format_html('<span class="text-muted small">{}</span>', _("read"))


def _mark(read: bool):
    def handler(view, queryset) -> int:
        done = 0
        for notification in queryset.filter(recipient=view.request.user):
            services.notification_mark_read(actor=view.request.user, notification=notification, read=read)
            done += 1
        return done

    return handler


class NotificationListView(ObjectListView):
    """The inbox: the user's own notifications, newest first."""

    model = Notification
    template_name = "notifications/notification_list.html"
    filterset_class = NotificationFilterSet
    allow_bulk_delete = False
    default_ordering = ("-created", "-pk")
    columns = [
        Column("title", order_by="title", linkify=True),
        Column("kind", render=lambda n: n.kind_label),
        Column("created", order_by="created"),
        Column("read_at", label=gettext_lazy("state"), order_by="read_at", render=_read_state),
    ]
    bulk_actions = [
        BulkAction("read", gettext_lazy("Mark read"), services.READ_ACTION, _mark(True)),
        BulkAction("unread", gettext_lazy("Mark unread"), services.READ_ACTION, _mark(False)),
    ]

    def base_queryset(self):
        return Notification.objects.filter(recipient=self.request.user)

    def extra_context(self):
        return {"can_read": has_model_permission(self.request.user, Notification, services.READ_ACTION)}


class NotificationDetailView(ObjectDetailView):
    """One notification; opening it marks it read."""

    model = Notification
    template_name = "notifications/notification_detail.html"
    detail_fields = ["created", "read_at"]

    def base_queryset(self):
        return Notification.objects.filter(recipient=self.request.user)

    def extra_context(self, obj):
        if obj.read_at is None and services.readable(self.request.user).filter(pk=obj.pk).exists():
            services.notification_mark_read(actor=self.request.user, notification=obj)
        return {"kind_label": obj.kind_label}


class NotificationReadView(ObjectPermissionRequiredMixin, View):
    """POST: mark one notification read (or unread with ``unread=1``)."""

    model = Notification
    permission_action = services.READ_ACTION

    def post(self, request, pk):
        notification = get_object_or_404(services.readable(request.user), pk=pk)
        services.notification_mark_read(
            actor=request.user, notification=notification, read=not request.POST.get("unread")
        )
        return HttpResponseRedirect(safe_return_url(request, reverse("notifications:notification_list")))


class NotificationReadAllView(ObjectPermissionRequiredMixin, View):
    model = Notification
    permission_action = services.READ_ACTION

    def post(self, request):
        count = services.notification_mark_all_read(actor=request.user)
        messages.success(request, _("%(count)d notification(s) marked read.") % {"count": count})
        return HttpResponseRedirect(safe_return_url(request, reverse("notifications:notification_list")))


class BellView(ObjectPermissionRequiredMixin, View):
    """The bell's fragment (unread count), polled by htmx from the console header."""

    model = Notification

    def get(self, request):
        return render(request, "notifications/bell.html", {"unread": services.unread_count(request.user)})


class PreferencesView(ObjectPermissionRequiredMixin, View):
    """Per kind and channel: which notifications the user receives, and where."""

    model = Notification

    def rows(self):
        user = self.request.user
        rows = []
        for kind in kinds():
            if not kind.user_choosable:
                continue
            wanted = services.wanted_channels(user, kind.key)
            rows.append(
                {
                    "kind": kind,
                    "channels": [
                        {"key": channel, "name": f"{kind.key}:{channel}", "checked": channel in wanted}
                        for channel in USER_CHANNELS
                    ],
                }
            )
        return rows

    def get(self, request):
        channels = [CHANNELS[channel] for channel in USER_CHANNELS]
        return render(request, "notifications/preferences.html", {"rows": self.rows(), "channels": channels})

    def post(self, request):
        choosable = {kind.key for kind in kinds() if kind.user_choosable}
        enabled = set()
        for value in request.POST.getlist("enabled"):
            key, _sep, channel = value.rpartition(":")
            if key in choosable and channel in USER_CHANNELS:
                enabled.add((key, channel))
        services.preferences_save(actor=request.user, enabled=enabled)
        messages.success(request, _("Notification settings saved."))
        return HttpResponseRedirect(reverse("notifications:notification_preferences"))


# --- webhook endpoints (system administrators) ------------------------------------------------------------
class WebhookEndpointListView(ObjectListView):
    model = WebhookEndpoint
    filterset_class = WebhookEndpointFilterSet
    default_ordering = ("name",)
    columns = [
        Column("name", order_by="name", linkify=True),
        Column("kind", order_by="kind"),
        Column("kinds_display", label=gettext_lazy("notification kinds")),
        Column("enabled", order_by="enabled"),
        Column("updated", order_by="updated"),
    ]


class WebhookEndpointDetailView(ObjectDetailView):
    model = WebhookEndpoint
    template_name = "notifications/webhookendpoint_detail.html"
    detail_fields = ["name", "kind", "url", "kinds_display", "enabled", "description", "created", "updated"]

    def extra_context(self, obj):
        deliveries = Delivery.objects.restrict(self.request.user, VIEW).filter(endpoint=obj)[:10]
        can_test = WebhookEndpoint.objects.restrict(self.request.user, CHANGE).filter(pk=obj.pk).exists()
        return {
            "deliveries": deliveries,
            "can_test": can_test,
            "has_secret": bool(obj.secret),
        }


class WebhookEndpointEditView(ObjectEditView):
    model = WebhookEndpoint
    form_class = WebhookEndpointForm

    def save(self, form):
        # The form has set the secret to keep, replace or remove on the instance.
        return services.webhook_endpoint_save(actor=self.request.user, endpoint=form.save(commit=False))


class WebhookEndpointDeleteView(ObjectDeleteView):
    model = WebhookEndpoint


class WebhookEndpointTestView(ObjectPermissionRequiredMixin, View):
    model = WebhookEndpoint
    permission_action = CHANGE

    def post(self, request, pk):
        endpoint = get_object_or_404(self.restricted(CHANGE), pk=pk)
        delivery = services.webhook_endpoint_test(actor=request.user, endpoint=endpoint)
        messages.success(request, _("A test message was queued; see its delivery for the outcome."))
        return HttpResponseRedirect(reverse("notifications:delivery_detail", kwargs={"pk": delivery.pk}))


# --- the delivery log ----------------------------------------------------------------------------------------
def _delivery_status(delivery):
    return format_html(
        '<span class="badge text-bg-{}">{}</span>',
        STATUS_STYLES.get(delivery.status, "secondary"),
        delivery.get_status_display(),
    )


def _retry_failed(view, queryset) -> int:
    done = 0
    for delivery in queryset.filter(status=Delivery.FAILED):
        services.delivery_retry(actor=view.request.user, delivery=delivery)
        done += 1
    return done


class DeliveryListView(ObjectListView):
    model = Delivery
    filterset_class = DeliveryFilterSet
    allow_bulk_delete = False
    default_ordering = ("-created", "-pk")
    columns = [
        Column("title", order_by="title", linkify=True),
        Column("channel", order_by="channel"),
        Column("target", order_by="target"),
        Column("status", order_by="status", render=_delivery_status),
        Column("attempts", order_by="attempts"),
        Column("response_code", order_by="response_code"),
        Column("last_attempt_at", order_by="last_attempt_at"),
        Column("next_attempt_at", order_by="next_attempt_at"),
    ]
    bulk_actions = [BulkAction("retry", gettext_lazy("Send again"), CHANGE, _retry_failed)]


class DeliveryDetailView(ObjectDetailView):
    model = Delivery
    template_name = "notifications/delivery_detail.html"
    detail_fields = [
        "channel",
        "kind_label",
        "target",
        "status",
        "attempts",
        "response_code",
        "last_error",
        "created",
        "last_attempt_at",
        "next_attempt_at",
        "sent_at",
    ]

    def base_queryset(self):
        return Delivery.objects.select_related("endpoint", "recipient")

    def extra_context(self, obj):
        can_retry = (
            obj.status == Delivery.FAILED
            and Delivery.objects.restrict(self.request.user, CHANGE).filter(pk=obj.pk).exists()
        )
        return {"can_retry": can_retry}


class DeliveryRetryView(ObjectPermissionRequiredMixin, View):
    model = Delivery
    permission_action = CHANGE

    def post(self, request, pk):
        delivery = get_object_or_404(self.restricted(CHANGE), pk=pk)
        try:
            services.delivery_retry(actor=request.user, delivery=delivery)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        except PermissionDenied:
            raise
        else:
            messages.success(request, _("The delivery was queued again."))
        return HttpResponseRedirect(reverse("notifications:delivery_detail", kwargs={"pk": delivery.pk}))
