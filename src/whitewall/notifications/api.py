"""The notifications REST API: one's own inbox and preferences; webhook endpoints for administrators.

Same restrictions as the console (``restrict()``), same services for every write. A webhook
endpoint's signing secret is write-only: it is never returned, only whether one is stored.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from whitewall.core.api.pagination import SmallPagePagination
from whitewall.core.api.serializers import ModelCleanSerializer
from whitewall.core.api.viewsets import (
    RestrictedModelViewSet,
    RestrictedReadOnlyViewSet,
    RestrictedViewSetMixin,
)
from whitewall.core.permissions import VIEW
from whitewall.notifications import services
from whitewall.notifications.filtersets import NotificationFilterSet, WebhookEndpointFilterSet
from whitewall.notifications.models import Notification, WebhookEndpoint
from whitewall.notifications.registry import CHANNELS, USER_CHANNELS, kinds


# --- the inbox -------------------------------------------------------------------------------------
class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = (
            "id",
            "kind",
            "kind_label",
            "title",
            "body",
            "url",
            "object_type",
            "object_id",
            "is_read",
            "read_at",
            "created",
        )
        read_only_fields = fields

    def get_kind_label(self, obj) -> str:
        return str(obj.kind_label)


class MarkReadSerializer(serializers.Serializer):
    read = serializers.BooleanField(default=True, help_text=_("false marks the notification unread again."))


class NotificationViewSet(RestrictedReadOnlyViewSet):
    """Your own notifications, newest first (``?unread=true`` for the unread ones)."""

    model = Notification
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet
    pagination_class = SmallPagePagination

    def base_queryset(self):
        return Notification.objects.filter(recipient=self.request.user).order_by("-created", "-pk")

    @extend_schema(
        filters=False,
        responses=inline_serializer("UnreadCount", {"unread": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["get"], url_path="unread-count", filterset_class=None)
    def unread_count(self, request):
        """How many of your notifications are unread (what the bell shows)."""
        return Response({"unread": services.unread_count(request.user)})

    @extend_schema(request=MarkReadSerializer, responses=NotificationSerializer)
    @action(detail=True, methods=["post"], url_path="mark-read", permission_action=VIEW)
    def mark_read(self, request, pk=None):
        """Mark one of your notifications read (or, with ``{"read": false}``, unread)."""
        notification = self.get_object()
        data = MarkReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        notification = services.notification_mark_read(
            actor=request.user, notification=notification, read=data.validated_data["read"]
        )
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        request=None,
        filters=False,
        responses=inline_serializer("MarkedRead", {"marked": serializers.IntegerField()}),
    )
    @action(
        detail=False, methods=["post"], url_path="mark-all-read", permission_action=VIEW, filterset_class=None
    )
    def mark_all_read(self, request):
        """Mark all your unread notifications read."""
        return Response({"marked": services.notification_mark_all_read(actor=request.user)})


# --- preferences -------------------------------------------------------------------------------------
class PreferenceSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=100)
    channel = serializers.ChoiceField(choices=[(key, CHANNELS[key]) for key in USER_CHANNELS])
    enabled = serializers.BooleanField()

    def validate_kind(self, value):
        if value not in {kind.key for kind in kinds() if kind.user_choosable}:
            raise serializers.ValidationError(_("Unknown notification kind (see GET for the kinds)."))
        return value


class PreferenceRowSerializer(PreferenceSerializer):
    kind_label = serializers.CharField()


class PreferencesUpdateSerializer(serializers.Serializer):
    preferences = PreferenceSerializer(many=True, allow_empty=False)


class NotificationPreferenceViewSet(RestrictedViewSetMixin, viewsets.GenericViewSet):
    """Your own choice, per notification kind and channel (in-app, e-mail), of what reaches you."""

    model = Notification  # as in the console: whoever has an inbox has preferences
    permission_action = VIEW
    serializer_class = PreferenceRowSerializer
    pagination_class = None
    filter_backends = []

    def rows(self, user) -> list[dict]:
        rows = []
        for kind in kinds():
            if not kind.user_choosable:
                continue
            wanted = services.wanted_channels(user, kind.key)
            for channel in USER_CHANNELS:
                rows.append(
                    {
                        "kind": kind.key,
                        "kind_label": str(kind.label),
                        "channel": channel,
                        "enabled": channel in wanted,
                    }
                )
        return rows

    @extend_schema(responses=PreferenceRowSerializer(many=True))
    def list(self, request):
        """Every kind you may choose, with each channel on or off (your choice or the kind's default)."""
        return Response(PreferenceRowSerializer(self.rows(request.user), many=True).data)

    @extend_schema(request=PreferencesUpdateSerializer, responses=PreferenceRowSerializer(many=True))
    def create(self, request):
        """Change some of your choices (``{"preferences": [{"kind", "channel", "enabled"}, …]}``);
        the ones not named stay as they are. Answers the whole list."""
        data = PreferencesUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enabled = {(row["kind"], row["channel"]) for row in self.rows(request.user) if row["enabled"]}
        for change in data.validated_data["preferences"]:
            pair = (change["kind"], change["channel"])
            if change["enabled"]:
                enabled.add(pair)
            else:
                enabled.discard(pair)
        services.preferences_save(actor=request.user, enabled=enabled)
        return Response(
            PreferenceRowSerializer(self.rows(request.user), many=True).data, status=status.HTTP_200_OK
        )


# --- webhook endpoints --------------------------------------------------------------------------------
class WebhookEndpointSerializer(ModelCleanSerializer):
    secret = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=200,
        style={"input_type": "password"},
        help_text=_(
            "Write-only, never returned. Leave out (or send an empty string) to keep the stored secret; "
            "null removes it."
        ),
    )
    has_secret = serializers.SerializerMethodField()
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=[]), required=False, help_text=_("Empty: the default kinds.")
    )

    class Meta:
        model = WebhookEndpoint
        fields = (
            "id",
            "name",
            "kind",
            "url",
            "secret",
            "has_secret",
            "kinds",
            "enabled",
            "description",
            "created",
            "updated",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].child.choices = [k.key for k in kinds() if k.key != "notifications.test"]

    def get_has_secret(self, obj) -> bool:
        return bool(obj.secret)

    def validate(self, attrs):
        secret = attrs.pop("secret", "")
        instance = self.instance
        if secret is None:
            attrs["secret"] = ""
        elif secret:
            attrs["secret"] = secret
        elif attrs.get("kind", getattr(instance, "kind", None)) == WebhookEndpoint.WECOM:
            attrs["secret"] = ""  # WeCom robots sign nothing: a kept secret goes
        else:
            attrs["secret"] = instance.secret if instance is not None else ""
        return super().validate(attrs)


class WebhookEndpointViewSet(RestrictedModelViewSet):
    """Group robots (DingTalk, Feishu, WeCom) and generic JSON webhooks (system administrators)."""

    model = WebhookEndpoint
    serializer_class = WebhookEndpointSerializer
    filterset_class = WebhookEndpointFilterSet
    pagination_class = SmallPagePagination

    def base_queryset(self):
        return WebhookEndpoint.objects.order_by("name", "pk")

    def perform_write(self, serializer):
        data = dict(serializer.validated_data)
        endpoint = serializer.instance or WebhookEndpoint()
        secret = data.pop("secret")
        for name, value in data.items():
            setattr(endpoint, name, value)
        return services.webhook_endpoint_save(actor=self.request.user, endpoint=endpoint, secret=secret)
