"""Writes and security events are recorded without anyone calling record()."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from whitewall.accounts.models import Department, ObjectPermission, StaffProfile, User
from whitewall.audit.models import Action, AuditEvent
from whitewall.audit.services import MASK, verify_chain
from whitewall.core import signals
from whitewall.core.testing import grant, login

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password-1"


def new_events(since):
    return list(AuditEvent.objects.filter(seq__gt=since).order_by("seq"))


@pytest.fixture
def head():
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def test_create_update_delete_of_a_base_model(head):
    department = Department.objects.create(name="Audit lab", code="audit-lab")
    department.description = "changed"
    department.save()
    department.save()  # nothing changed: no event
    pk = department.pk
    department.delete()
    created, updated, deleted = new_events(head)
    assert (created.action, created.object_type, created.object_id) == (
        "create",
        "accounts.department",
        str(pk),
    )
    assert created.after_data["code"] == "audit-lab" and created.before == ""
    assert "updated" not in created.after_data  # bookkeeping fields stay out
    assert updated.action == "update"
    assert (updated.before_data, updated.after_data) == ({"description": ""}, {"description": "changed"})
    assert updated.extra_data["changed"] == ["description"]
    assert deleted.action == "delete" and deleted.before_data["name"] == "Audit lab"
    assert verify_chain().ok


def test_the_acting_user_of_a_console_write_is_recorded(head):
    user = User.objects.create_user(username="hr.person", is_staff=True)
    grant(user, Department, ["view", "add"])
    client = Client()
    login(client, user)
    response = client.post(
        reverse("accounts:department_add"), {"name": "Via the console", "code": "via", "sort_order": 5}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(seq__gt=head, action="create", object_type="accounts.department")
    assert (event.actor_id, event.actor_username) == (user.pk, "hr.person")
    assert event.request_id


def test_users_and_roles_are_captured_with_their_memberships(head):
    user = User.objects.create_user(username="member", password=PASSWORD)
    user.groups.add(Group.objects.get(name="operator"))
    user.set_password("another-password-2")
    user.save()
    events = new_events(head)
    actions = [(e.action, e.object_type) for e in events]
    assert ("create", "accounts.user") in actions
    membership = next(e for e in events if e.extra_data.get("changed") == ["groups"])
    assert membership.before_data == {"groups": []}
    assert membership.after_data["groups"][0].endswith(": operator")
    password = next(e for e in events if e.extra_data.get("changed") == ["password"])
    assert password.before_data == {"password": MASK} and password.after_data == {"password": MASK}
    assert "pbkdf2" not in password.after and "md5" not in password.after


def test_object_permission_memberships_are_captured(head):
    permission = ObjectPermission.objects.create(name="capture test", actions=["view"])
    permission.groups.add(Group.objects.get(name="auditor"))
    event = new_events(head)[-1]
    assert (event.object_type, event.extra_data["changed"]) == ("accounts.objectpermission", ["groups"])


def test_internal_bookkeeping_is_not_captured(head):
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store["x"] = 1
    store.save()
    assert Session.objects.exists()
    assert new_events(head) == []


def make_login_user(username="loginner", staff=False):
    user = User.objects.create_user(
        username=username, email=f"{username}@example.com", password=PASSWORD, is_staff=staff
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_login_logout_and_failed_login(head):
    user = make_login_user()
    client = Client()
    assert (
        client.post("/accounts/login/", {"login": "loginner", "password": "wrong-password"}).status_code
        == 200
    )
    assert (
        client.post(
            "/accounts/login/", {"login": "loginner", "password": PASSWORD}, REMOTE_ADDR="10.0.0.5"
        ).status_code
        == 302
    )
    client.post("/accounts/logout/")
    events = [e for e in new_events(head) if e.action in ("login", "logout", "login_failed")]
    assert [e.action for e in events] == ["login_failed", "login", "logout"]
    failed, logged_in, _out = events
    assert (failed.actor_id, failed.object_id, failed.object_repr) == (None, str(user.pk), "loginner")
    assert (logged_in.actor_id, logged_in.ip) == (user.pk, "10.0.0.5")
    assert "password" not in failed.extra


def test_a_lockout_is_recorded(head, settings):
    make_login_user("victim")
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"login": "victim", "password": "wrong-password"})
    lockouts = AuditEvent.objects.filter(seq__gt=head, action=Action.LOCKOUT)
    assert lockouts.count() == 1
    assert lockouts.get().extra_data["username"] == "victim"
    assert (
        AuditEvent.objects.filter(seq__gt=head, action=Action.LOGIN_FAILED).count()
        == settings.AXES_FAILURE_LIMIT
    )


def test_mfa_changes_are_recorded(head):
    from allauth.mfa import signals as mfa_signals
    from allauth.mfa.models import Authenticator

    user = make_login_user("mfa.user")
    authenticator = Authenticator(user=user, type=Authenticator.Type.TOTP)
    for signal in (
        mfa_signals.authenticator_added,
        mfa_signals.authenticator_removed,
        mfa_signals.authentication_failed,
    ):
        signal.send(sender=Authenticator, request=None, user=user, authenticator=authenticator)
    events = new_events(head)[-3:]
    assert [e.action for e in events] == ["mfa_added", "mfa_removed", "mfa_failed"]
    assert all(e.object_id == str(user.pk) and e.extra_data["type"] == "totp" for e in events)


def test_permission_denials_are_recorded(head):
    user = User.objects.create_user(username="nosy", is_staff=True)
    client = Client()
    login(client, user)
    assert client.get(reverse("accounts:objectpermission_list")).status_code == 403
    event = AuditEvent.objects.get(seq__gt=head, action=Action.PERMISSION_DENIED)
    assert event.actor_username == "nosy" and event.extra_data["path"] == reverse(
        "accounts:objectpermission_list"
    )


def test_permission_denials_through_the_api_are_recorded_too(head):
    user = User.objects.create_user(username="nosy_api", is_staff=True)
    client = Client()
    login(client, user)
    path = "/api/v1/audit/events/"
    response = client.get(path, {"action": "login"})
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    event = AuditEvent.objects.get(seq__gt=head, action=Action.PERMISSION_DENIED)
    assert event.actor_username == "nosy_api"
    assert event.extra_data["path"] == path + "?action=login"
    assert event.extra_data["reason"]  # DRF's message, in the reader's language


def test_wall_users_refused_at_the_console_door_are_recorded(head):
    user = User.objects.create_user(username="walker")
    client = Client()
    login(client, user)
    assert client.get("/console/").status_code == 403
    assert AuditEvent.objects.filter(
        seq__gt=head, action=Action.PERMISSION_DENIED, actor_username="walker"
    ).exists()


def test_exports_are_recorded_with_their_row_count(head):
    user = User.objects.create_user(username="exporter", is_staff=True)
    grant(user, Department, ["view"])
    client = Client()
    login(client, user)
    response = client.get(reverse("accounts:department_list") + "?export=csv&q=部")
    b"".join(response.streaming_content)
    event = AuditEvent.objects.get(seq__gt=head, action=Action.EXPORT)
    assert event.object_type == "accounts.department"
    assert event.extra_data["format"] == "csv"
    assert event.extra_data["rows"] == Department.objects.filter(name__icontains="部").count()
    assert "q=" in event.extra_data["filters"]


def test_reveals_are_recorded(head):
    user = User.objects.create_user(username="revealer", is_staff=True)
    profile = StaffProfile.objects.create(user=user, employee_no="R1", department=Department.objects.first())
    signals.revealed.send(sender=StaffProfile, user=user, request=None, instance=profile, field="national_id")
    event = new_events(head)[-1]
    assert (event.action, event.object_type, event.object_id) == (
        "reveal",
        "accounts.staffprofile",
        str(profile.pk),
    )
    assert event.extra_data == {"field": "national_id"}
    assert event.actor_username == "revealer"


def test_a_failed_write_leaves_no_event(head):
    from django.db import IntegrityError, transaction

    Department.objects.create(name="Unique", code="unique-code")
    with pytest.raises(IntegrityError), transaction.atomic():
        Department.objects.create(name="Other", code="unique-code")
    assert [e.object_repr for e in new_events(head)] == ["Unique"]
    assert verify_chain().ok
