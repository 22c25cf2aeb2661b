"""The tamper-evident audit trail (clause 4.2.3).

``AuditEvent`` is append-only: the database refuses UPDATE, DELETE and TRUNCATE on its table
(triggers created by the migrations, see ``audit.db``). Each event is chained to the previous one
by an HMAC-SHA256 over a canonical serialisation (``audit.services.canonical``), keyed with
``settings.WHITEWALL_AUDIT_KEY``.

Rules that keep the chain honest (design.md, "Known pitfalls"):

- the sequence number is the primary key and is assigned by the application under the chain
  lock, so the hash never needs an UPDATE after the insert;
- the table holds ids and text, never foreign keys, so no cascade ever writes to it;
- before, after and extra are JSON *text*, stored exactly as hashed (a jsonb column would
  re-order keys and the hash could not be recomputed without re-serialising);
- a later migration that alters this table rebuilds it on SQLite, which drops the triggers:
  such a migration must run ``audit.db.trigger_operations()`` again (``post_migrate`` also
  re-creates missing triggers, and a test proves UPDATE and DELETE still fail after migrate).
"""

from __future__ import annotations

import json

from django.db import models
from django.utils.translation import gettext_lazy as _

from whitewall.core.models import BaseModel
from whitewall.core.querysets import RestrictedQuerySet

GENESIS_HASH = "0" * 64


class Action(models.TextChoices):
    CREATE = "create", _("create")
    UPDATE = "update", _("update")
    DELETE = "delete", _("delete")
    LOGIN = "login", _("login")
    LOGOUT = "logout", _("logout")
    LOGIN_FAILED = "login_failed", _("failed login")
    LOCKOUT = "lockout", _("lockout")
    MFA_ADDED = "mfa_added", _("two-factor method added")
    MFA_REMOVED = "mfa_removed", _("two-factor method removed")
    MFA_RESET = "mfa_reset", _("recovery codes regenerated")
    MFA_FAILED = "mfa_failed", _("wrong two-factor code")
    PERMISSION_DENIED = "permission_denied", _("permission denied")
    EXPORT = "export", _("export")
    REVEAL = "reveal", _("reveal of a sensitive value")
    POLICY_CHANGE = "policy_change", _("policy change")
    OTHER = "other", _("other")


# Security-relevant events that someone must look at (the abnormal-operation review of 4.2.3).
ANOMALY_ACTIONS = (
    Action.LOGIN_FAILED,
    Action.LOCKOUT,
    Action.MFA_FAILED,
    Action.MFA_REMOVED,
    Action.PERMISSION_DENIED,
)


class AuditEvent(models.Model):
    seq = models.BigIntegerField(_("sequence number"), primary_key=True, editable=False)
    time = models.DateTimeField(_("time"), db_index=True)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    actor_username = models.CharField(_("actor"), max_length=150, blank=True)
    ip = models.CharField(_("IP address"), max_length=45, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=40, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    before = models.TextField(_("before"), blank=True)
    after = models.TextField(_("after"), blank=True)
    extra = models.TextField(_("details"), blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ("-seq",)
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["object_type", "object_id", "seq"], name="audit_object_idx"),
            models.Index(fields=["action", "seq"], name="audit_action_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action_label} {self.object_repr}".strip()

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("audit:auditevent_detail", kwargs={"pk": self.pk})

    @property
    def action_label(self):
        try:
            return Action(self.action).label
        except ValueError:
            return self.action

    @property
    def actor_label(self) -> str:
        return self.actor_username or str(_("system"))

    def _json(self, name: str):
        text = getattr(self, name)
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError:
            return None

    @property
    def before_data(self):
        return self._json("before")

    @property
    def after_data(self):
        return self._json("after")

    @property
    def extra_data(self) -> dict:
        return self._json("extra") or {}

    @property
    def is_anomaly(self) -> bool:
        return self.action in ANOMALY_ACTIONS


class AnomalyReview(BaseModel):
    """A security officer looked at a security-relevant event (the event itself never changes)."""

    event_seq = models.BigIntegerField(_("event"), unique=True)
    reviewer_id = models.BigIntegerField(_("reviewer id"), null=True, blank=True)
    reviewer_username = models.CharField(_("reviewer"), max_length=150, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("anomaly review")
        verbose_name_plural = _("anomaly reviews")
        ordering = ("-event_seq",)

    def __str__(self) -> str:
        return f"#{self.event_seq}"
