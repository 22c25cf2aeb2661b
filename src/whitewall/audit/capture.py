"""Capture without anyone remembering: signal receivers that record audit events.

- creates, updates and deletes of every model built on ``core.models.BaseModel`` (platform and
  domain apps alike), of users and of roles (groups), including their many-to-many fields;
  the before values come from a snapshot of the stored row taken in ``pre_save``;
- logins, logouts, failed logins, lockouts (axes), MFA changes (allauth.mfa);
- core's platform signals: permission denials, exports, reveals of sensitive values.

Session, cache, queue and lockout bookkeeping are not business data and are not captured (they
are not BaseModels). Neither are queryset ``update()``/``bulk_create()``, which send no signals:
services that use them call ``audit.services.record()`` themselves.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Model, Q

from whitewall.audit.models import Action, AuditEvent
from whitewall.audit.services import MASK, object_type_of, record
from whitewall.core.models import BaseModel

# Bookkeeping fields whose change alone is not worth an event.
IGNORED_FIELDS = frozenset({"created", "updated", "last_login"})

_audited: dict[type, bool] = {}
_table_ready = False


def is_audited(model: type[Model]) -> bool:
    answer = _audited.get(model)
    if answer is None:
        concrete = model._meta.concrete_model
        answer = concrete is not AuditEvent and (
            issubclass(model, BaseModel) or concrete is get_user_model() or concrete is Group
        )
        _audited[model] = answer
    return answer


def _ready() -> bool:
    """False only while the audit table is not migrated yet (e.g. ``migrate accounts`` alone)."""
    global _table_ready
    if not _table_ready:
        _table_ready = AuditEvent._meta.db_table in connection.introspection.table_names()
    return _table_ready


def _is_encrypted(field) -> bool:
    return "encrypted" in type(field).__name__.lower()


def snapshot(instance: Model) -> dict:
    """The stored fields of ``instance`` (foreign keys as ids), sensitive ones masked."""
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in IGNORED_FIELDS:
            continue
        value = field.value_from_object(instance)
        if _is_encrypted(field) and value not in (None, ""):
            value = MASK
        data[field.name] = value
    return data


def on_pre_save(sender, instance, raw=False, **kwargs):
    if raw or not is_audited(sender) or instance._state.adding or instance.pk is None:
        return
    stored = sender._base_manager.filter(pk=instance.pk).first()
    instance.__dict__["_audit_before"] = snapshot(stored) if stored is not None else None


def on_post_save(sender, instance, created, raw=False, **kwargs):
    if raw or not is_audited(sender) or not _ready():
        return
    after = snapshot(instance)
    before = instance.__dict__.pop("_audit_before", None)
    if created or before is None:
        record(action=Action.CREATE if created else Action.UPDATE, obj=instance, after=after)
        return
    changed = [name for name, value in after.items() if before.get(name) != value]
    if not changed:
        return
    record(
        action=Action.UPDATE,
        obj=instance,
        before={name: before.get(name) for name in changed},
        after={name: after[name] for name in changed},
        extra={"changed": changed},
    )


def on_post_delete(sender, instance, **kwargs):
    if not is_audited(sender) or not _ready():
        return
    record(action=Action.DELETE, obj=instance, before=snapshot(instance))


def _m2m_accessor(instance, sender, reverse: bool, model) -> str | None:
    if not reverse:
        for field in instance._meta.many_to_many:
            if field.remote_field.through is sender:
                return field.name
        return None
    for field in model._meta.many_to_many:
        if field.remote_field.through is sender:
            return field.remote_field.get_accessor_name()
    return None


def _members(instance, accessor: str) -> list[str]:
    return sorted(f"{item.pk}: {item}" for item in getattr(instance, accessor).all())


def on_m2m_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if not is_audited(type(instance)) or not _ready():
        return
    accessor = _m2m_accessor(instance, sender, reverse, model)
    if accessor is None:
        return
    pending = instance.__dict__.setdefault("_audit_m2m", {})
    if action.startswith("pre_"):
        pending[accessor] = _members(instance, accessor)
        return
    before = pending.pop(accessor, None)
    after = _members(instance, accessor)
    if before == after:
        return
    record(
        action=Action.UPDATE,
        obj=instance,
        before={accessor: before},
        after={accessor: after},
        extra={"changed": [accessor]},
    )


# --- authentication --------------------------------------------------------------------------
def on_logged_in(sender, request, user, **kwargs):
    record(action=Action.LOGIN, actor=user, obj=user, request=request)


def on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(action=Action.LOGOUT, actor=user, obj=user, request=request)


def _user_named(name: str):
    if not name:
        return None
    User = get_user_model()
    return User._default_manager.filter(Q(username__iexact=name) | Q(email__iexact=name)).first()


def on_login_failed(sender, credentials, request=None, **kwargs):
    name = str(
        credentials.get("username") or credentials.get("login") or credentials.get("email") or ""
    ).strip()[:150]
    user = _user_named(name)
    record(
        action=Action.LOGIN_FAILED,
        actor=False,
        request=request,
        object_type=object_type_of(get_user_model()),
        object_id=user.pk if user is not None else "",
        object_repr=name,
        extra={"username": name},
    )


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    user = _user_named(username or "")
    record(
        action=Action.LOCKOUT,
        actor=False,
        request=request,
        object_type=object_type_of(get_user_model()),
        object_id=user.pk if user is not None else "",
        object_repr=username or "",
        extra={"username": username or "", "ip_address": ip_address or ""},
    )


def _mfa(action):
    def receiver(sender, request=None, user=None, authenticator=None, **kwargs):
        extra = {"type": getattr(authenticator, "type", "")}
        if "reauthentication" in kwargs:
            extra["reauthentication"] = bool(kwargs["reauthentication"])
        record(action=action, actor=user, obj=user, request=request, extra=extra)

    return receiver


on_mfa_added = _mfa(Action.MFA_ADDED)
on_mfa_removed = _mfa(Action.MFA_REMOVED)
on_mfa_reset = _mfa(Action.MFA_RESET)
on_mfa_failed = _mfa(Action.MFA_FAILED)


# --- core's platform signals -------------------------------------------------------------------
def on_permission_denied(sender, user=None, request=None, path="", reason="", **kwargs):
    record(
        action=Action.PERMISSION_DENIED,
        actor=user,
        request=request,
        object_repr=str(path)[:200],
        extra={"path": str(path), "reason": str(reason)[:500]},
    )


def on_exported(sender, user=None, request=None, format="", count=None, filters="", **kwargs):  # noqa: A002
    record(
        action=Action.EXPORT,
        actor=user,
        request=request,
        object_type=object_type_of(sender) if sender is not None else "",
        object_repr=str(sender._meta.verbose_name_plural) if sender is not None else "",
        extra={"format": format, "rows": count, "filters": filters},
    )


def on_revealed(sender, user=None, request=None, instance=None, field="", **kwargs):
    record(
        action=Action.REVEAL,
        actor=user,
        request=request,
        obj=instance,
        object_type=object_type_of(sender) if instance is None and sender is not None else None,
        extra={"field": field},
    )


def connect() -> None:
    from allauth.mfa import signals as mfa_signals
    from axes.signals import user_locked_out
    from django.contrib.auth import signals as auth_signals
    from django.db.models import signals as model_signals

    from whitewall.core import signals as core_signals

    uid = "whitewall.audit."
    model_signals.pre_save.connect(on_pre_save, dispatch_uid=uid + "pre_save")
    model_signals.post_save.connect(on_post_save, dispatch_uid=uid + "post_save")
    model_signals.post_delete.connect(on_post_delete, dispatch_uid=uid + "post_delete")
    model_signals.m2m_changed.connect(on_m2m_changed, dispatch_uid=uid + "m2m")
    auth_signals.user_logged_in.connect(on_logged_in, dispatch_uid=uid + "login")
    auth_signals.user_logged_out.connect(on_logged_out, dispatch_uid=uid + "logout")
    auth_signals.user_login_failed.connect(on_login_failed, dispatch_uid=uid + "login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid=uid + "lockout")
    mfa_signals.authenticator_added.connect(on_mfa_added, dispatch_uid=uid + "mfa_added")
    mfa_signals.authenticator_removed.connect(on_mfa_removed, dispatch_uid=uid + "mfa_removed")
    mfa_signals.authenticator_reset.connect(on_mfa_reset, dispatch_uid=uid + "mfa_reset")
    mfa_signals.authentication_failed.connect(on_mfa_failed, dispatch_uid=uid + "mfa_failed")
    core_signals.permission_denied.connect(on_permission_denied, dispatch_uid=uid + "denied")
    core_signals.exported.connect(on_exported, dispatch_uid=uid + "exported")
    core_signals.revealed.connect(on_revealed, dispatch_uid=uid + "revealed")
