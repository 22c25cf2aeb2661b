"""In-app notifications, preferences, webhook endpoints and the delivery log."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from whitewall.core.encryption import EncryptedCharField
from whitewall.core.models import BaseModel
from whitewall.notifications.registry import CHANNELS, kind_label


class Notification(BaseModel):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ("-created", "-pk")
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def kind_label(self):
        return kind_label(self.kind)


class NotificationPreference(models.Model):
    """A user's choice for one kind on one channel; without a row the kind's defaults apply."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=100)
    channel = models.CharField(_("channel"), max_length=20, choices=list(CHANNELS.items()))
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="notificationpreference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} / {self.channel}"


class WebhookEndpoint(BaseModel):
    DINGTALK, FEISHU, WECOM, GENERIC = "dingtalk", "feishu", "wecom", "generic"
    KIND_CHOICES = [
        (DINGTALK, _("DingTalk robot")),
        (FEISHU, _("Feishu / Lark bot")),
        (WECOM, _("WeCom group robot")),
        (GENERIC, _("Generic JSON")),
    ]
    SIGNED_KINDS = (DINGTALK, FEISHU, GENERIC)

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("platform"), max_length=20, choices=KIND_CHOICES)
    url = models.URLField(_("URL"), max_length=500)
    # Encrypted at rest (core encryption keys); never shown back: forms and the API only take it.
    secret = EncryptedCharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_(
            "DingTalk: the SEC… secret; Feishu: the signature key; generic: the HMAC key. WeCom signs nothing."
        ),
    )
    kinds = models.JSONField(
        _("notification kinds"),
        default=list,
        blank=True,
        help_text=_("Empty: every kind whose default channels include webhooks."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.url and not self.url.startswith(("https://", "http://")):
            raise ValidationError({"url": _("Use an http:// or https:// address.")})
        if self.kind == self.WECOM and self.secret:
            raise ValidationError(
                {"secret": _("WeCom group robots do not sign messages; leave the secret empty.")}
            )
        if not isinstance(self.kinds, list) or not all(isinstance(key, str) for key in self.kinds):
            raise ValidationError({"kinds": _("Choose notification kinds from the list.")})

    def receives(self, kind) -> bool:
        if self.kinds:
            return kind.key in self.kinds
        return "webhook" in kind.default_channels

    @property
    def kinds_display(self) -> str:
        return ", ".join(str(kind_label(key)) for key in self.kinds) or str(_("default kinds"))


class Delivery(BaseModel):
    """One message on one external channel: attempts, outcome, the last error and response code."""

    EMAIL, WEBHOOK = "email", "webhook"
    CHANNEL_CHOICES = [(EMAIL, _("E-mail")), (WEBHOOK, _("Webhook"))]
    PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
    STATUS_CHOICES = [
        (PENDING, _("pending")),
        (SENDING, _("sending")),
        (SENT, _("sent")),
        (FAILED, _("failed")),
    ]

    channel = models.CharField(_("channel"), max_length=20, choices=CHANNEL_CHOICES)
    kind = models.CharField(_("kind"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("webhook endpoint"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    target = models.CharField(_("sent to"), max_length=254, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=STATUS_CHOICES, default=PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ("-created", "-pk")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.target}: {self.title}"

    @property
    def kind_label(self):
        return kind_label(self.kind)
