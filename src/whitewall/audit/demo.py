"""Demo audit trail: a working day's security events on top of what seeding the organisation wrote.

Seeding the organisation already fills the trail (every department, position, user and grant
created is captured). This adds logins, failed logins and a lockout, a refused page, an export,
a reviewed and an unreviewed anomaly, then signs a checkpoint, so the explorer, the review queue
and the 4.2.3 check have something real to show.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from whitewall.audit.context import acting_as
from whitewall.audit.models import Action, AuditEvent
from whitewall.audit.services import anomaly_review, batch, record, write_checkpoint

OFFICE_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


def seed_audit() -> str:
    if AuditEvent.objects.filter(request_id__startswith="demo-").exists():
        return "already present"
    User = get_user_model()
    users = {user.username: user for user in User.objects.filter(is_staff=True)}
    if not users:
        return "no staff to act"
    staff = [
        name for name in ("admin", "hr", "security", "ops_manager", "finance", "auditor") if name in users
    ]
    with batch():
        for index, name in enumerate(staff):
            user = users[name]
            with acting_as(
                user, request_id=f"demo-login-{index}", ip=f"10.8.0.{20 + index}", user_agent=OFFICE_UA
            ):
                record(action=Action.LOGIN, obj=user)
        with acting_as(None, request_id="demo-failed", ip="203.0.113.7", user_agent="python-requests/2.31"):
            for attempt in range(3):
                record(
                    action=Action.LOGIN_FAILED,
                    actor=False,
                    object_type="accounts.user",
                    object_id=users["admin"].pk if "admin" in users else "",
                    object_repr="admin",
                    extra={"username": "admin", "attempt": attempt + 1},
                )
            record(
                action=Action.LOCKOUT,
                actor=False,
                object_type="accounts.user",
                object_repr="admin",
                extra={"username": "admin", "ip_address": "203.0.113.7"},
            )
        if "marketing" in users:
            with acting_as(
                users["marketing"], request_id="demo-denied", ip="10.8.0.41", user_agent=OFFICE_UA
            ):
                record(
                    action=Action.PERMISSION_DENIED,
                    object_repr="/console/accounts/permissions/",
                    extra={"path": "/console/accounts/permissions/", "reason": "no permission"},
                )
        if "hr" in users:
            with acting_as(users["hr"], request_id="demo-export", ip="10.8.0.21", user_agent=OFFICE_UA):
                record(
                    action=Action.EXPORT,
                    object_type="accounts.staffprofile",
                    object_repr="staff profiles",
                    extra={"format": "xlsx", "rows": 22, "filters": "department=3"},
                )
    security = users.get("security")
    first_failure = AuditEvent.objects.filter(action=Action.LOGIN_FAILED, request_id="demo-failed").order_by(
        "seq"
    )
    if security is not None:
        with acting_as(security, request_id="demo-review", ip="10.8.0.22", user_agent=OFFICE_UA):
            anomaly_review(
                actor=security,
                events=list(first_failure[:3]),
                note="外部脚本猜测密码，账号已按规定锁定；已在防火墙封禁该地址。",
            )
    # Sign only what is committed: the demo seeders run in one transaction.
    transaction.on_commit(write_checkpoint)
    return f"{AuditEvent.objects.count()} events, a checkpoint is signed on commit"
