"""Authentication (issue 2 item 6): allauth login, axes lockout and release, MFA for the roles the
policy lists, the console and admin doors, password rules, session expiry, wall sign-up."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal import auth as totp_auth
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from whitewall.accounts.models import User
from whitewall.config.policy import get_policy

pytestmark = pytest.mark.django_db

PASSWORD = "Plum-Orchard-4417"
LOGIN_URL = "/accounts/login/"


# --- helpers ------------------------------------------------------------------------------------
def make_user(
    username: str,
    *,
    roles: tuple[str, ...] = (),
    staff: bool = False,
    superuser: bool = False,
    email: str | None = None,
    verified: bool = True,
) -> User:
    user = User.objects.create_user(
        username=username,
        email=email or f"{username}@whitewall.example",
        password=PASSWORD,
        is_staff=staff or superuser,
        is_superuser=superuser,
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=verified, primary=True)
    if roles:
        groups = list(Group.objects.filter(name__in=roles))
        assert len(groups) == len(roles), f"roles {roles} should exist after migrate"
        user.groups.add(*groups)
    return user


def with_totp(user: User) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


# TOTP codes change every 30 seconds; the tests pin allauth's clock to one time step so that a
# code computed here is still the valid one when the server checks it.
TOTP_STEP = 57_000_000


@pytest.fixture(autouse=True)
def _fixed_totp_step(monkeypatch):
    monkeypatch.setattr(totp_auth, "yield_hotp_counters_from_time", lambda: iter([TOTP_STEP]))


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, TOTP_STEP))


def wrong_code(secret: str) -> str:
    valid = current_code(secret)
    return "000000" if valid != "000000" else "111111"


def new_client(**headers) -> Client:
    """A browser that chose English with the language switch (Chinese is the default)."""
    client = Client(headers=headers)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def login_backend() -> str:
    """The configured backend that loads users (axes' backend, first in the list, cannot)."""
    from django.contrib.auth.backends import ModelBackend

    return next(
        path for path in settings.AUTHENTICATION_BACKENDS if issubclass(import_string(path), ModelBackend)
    )


def sign_in(client: Client, user: User) -> None:
    """Log in without the password step."""
    client.force_login(user, backend=login_backend())


def login(client: Client, login: str, password: str = PASSWORD):
    return client.post(LOGIN_URL, {"login": login, "password": password})


def logged_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def lock_out(client: Client, username: str) -> None:
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, username, "not-the-password")


@pytest.fixture(autouse=True)
def _with_db(db):
    """Every test here uses the database (and so starts from an empty cache: tests/conftest.py)."""


@pytest.fixture
def client():
    return new_client()


@pytest.fixture
def security_officer():
    user = make_user("sec.officer", roles=("security_officer",), staff=True)
    with_totp(user)
    return user


# --- login ---------------------------------------------------------------------------------------
def test_roles_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "security_officer",
        "system_admin",
        "finance_officer",
        "executive",
        "auditor",
        "operator",
    }


def test_login_by_username(client):
    user = make_user("alice")
    response = login(client, "alice")
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(user.pk)


def test_login_by_email(client):
    user = make_user("bob", email="bob.smith@whitewall.example")
    response = login(client, "Bob.Smith@whitewall.example")
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(user.pk)


def test_login_with_a_wrong_password_is_refused_with_a_message(client):
    make_user("alice")
    response = login(client, "alice", "wrong-password")
    assert response.status_code == 200
    assert logged_in_user_id(client) is None
    assert response.context["form"].errors


def test_staff_land_in_the_console_and_wall_users_on_the_wall(client):
    make_user("staffer", staff=True)
    make_user("walluser")
    assert login(client, "staffer")["Location"] == reverse("console:home")
    other = new_client()
    assert login(other, "walluser")["Location"] == reverse("home")


def test_inactive_users_cannot_log_in(client):
    user = make_user("gone", staff=True)
    user.is_active = False
    user.save()
    login(client, "gone")
    assert logged_in_user_id(client) is None


# --- lockout (axes) --------------------------------------------------------------------------------
def test_failure_limit_comes_from_the_policy():
    assert get_policy().auth.lockout_failures == settings.AXES_FAILURE_LIMIT


def test_fewer_failures_than_the_limit_do_not_lock(client):
    user = make_user("alice")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = login(client, "alice", "not-the-password")
        assert response.status_code == 200
    response = login(client, "alice")
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(user.pk)
    # A success resets the count.
    assert not AccessAttempt.objects.filter(username="alice", failures_since_start__gt=0).exists()


def test_too_many_failures_lock_the_account_even_for_the_right_password(client):
    make_user("alice")
    lock_out(client, "alice")
    response = login(client, "alice")
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert "Account locked" in response.content.decode()
    assert logged_in_user_id(client) is None


def test_the_lock_is_on_the_account_not_only_on_the_client(client):
    make_user("alice")
    lock_out(client, "alice")
    elsewhere = new_client(user_agent="Another browser")
    response = elsewhere.post(LOGIN_URL, {"login": "alice", "password": PASSWORD}, REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 429
    assert logged_in_user_id(elsewhere) is None


def test_the_lock_ignores_the_case_of_the_username(client):
    make_user("alice")
    lock_out(client, "ALICE")
    assert login(client, "alice").status_code == 429


def test_the_lock_cannot_be_bypassed_by_logging_in_with_the_email(client):
    make_user("alice", email="alice@whitewall.example")
    lock_out(client, "alice")
    elsewhere = new_client(user_agent="Another browser")
    elsewhere.post(
        LOGIN_URL, {"login": "alice@whitewall.example", "password": PASSWORD}, REMOTE_ADDR="10.9.8.7"
    )
    assert logged_in_user_id(elsewhere) is None


def test_lockouts_are_listed_for_the_security_officer(client, security_officer):
    make_user("alice")
    lock_out(new_client(), "alice")
    sign_in(client, security_officer)
    response = client.get(reverse("accounts:accessattempt_list"))
    assert response.status_code == 200
    assert "alice" in response.content.decode()


def test_security_officer_releases_a_lockout_with_the_bulk_action(client, security_officer):
    make_user("alice")
    victim = new_client()
    lock_out(victim, "alice")
    assert login(victim, "alice").status_code == 429
    attempt = AccessAttempt.objects.get(username="alice")

    sign_in(client, security_officer)
    response = client.post(
        reverse("accounts:accessattempt_list"), {"bulk_action": "release", "pk": [attempt.pk]}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="alice").exists()

    response = login(victim, "alice")
    assert response.status_code == 302
    assert logged_in_user_id(victim) is not None


def test_security_officer_releases_a_lockout_with_the_release_button(client, security_officer):
    user = make_user("alice")
    victim = new_client()
    lock_out(victim, "alice")
    attempt = AccessAttempt.objects.get(username="alice")

    sign_in(client, security_officer)
    response = client.post(reverse("accounts:accessattempt_release", args=[attempt.pk]))
    assert response.status_code == 302

    response = login(victim, "alice")
    assert response.status_code == 302
    assert logged_in_user_id(victim) == str(user.pk)


@pytest.mark.parametrize("roles", [(), ("operator",)])
def test_staff_without_the_permission_cannot_release(client, roles):
    make_user("alice")
    victim = new_client()
    lock_out(victim, "alice")
    attempt = AccessAttempt.objects.get(username="alice")

    sign_in(client, make_user("nosy", staff=True, roles=roles))
    assert client.get(reverse("accounts:accessattempt_list")).status_code == 403
    response = client.post(reverse("accounts:accessattempt_release", args=[attempt.pk]))
    assert response.status_code == 403
    response = client.post(
        reverse("accounts:accessattempt_list"), {"bulk_action": "release", "pk": [attempt.pk]}
    )
    assert response.status_code == 403
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    assert login(victim, "alice").status_code == 429


def test_an_auditor_sees_lockouts_but_cannot_release_them(client):
    make_user("alice")
    victim = new_client()
    lock_out(victim, "alice")
    attempt = AccessAttempt.objects.get(username="alice")

    sign_in(client, make_user("reader", staff=True, roles=("auditor",)))
    assert client.get(reverse("accounts:accessattempt_list")).status_code == 200
    response = client.post(reverse("accounts:accessattempt_release", args=[attempt.pk]))
    assert response.status_code == 403
    client.post(reverse("accounts:accessattempt_list"), {"bulk_action": "release", "pk": [attempt.pk]})
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    assert login(victim, "alice").status_code == 429


def test_release_is_refused_to_anonymous_users(client):
    make_user("alice")
    lock_out(new_client(), "alice")
    attempt = AccessAttempt.objects.get(username="alice")
    response = client.post(reverse("accounts:accessattempt_release", args=[attempt.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


# --- MFA -----------------------------------------------------------------------------------------
def test_mfa_roles_come_from_the_policy():
    assert "security_officer" in get_policy().auth.mfa_required_roles


@pytest.mark.parametrize("path", ["/console/", "/"])
def test_mfa_required_role_is_sent_to_totp_setup_first(client, path):
    make_user("newsec", roles=("security_officer",), staff=True)
    assert login(client, "newsec").status_code == 302
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    assert f"next={path}" in response["Location"]


def test_roles_without_mfa_requirement_are_not_sent_to_setup(client):
    make_user("op", roles=("operator",), staff=True)
    login(client, "op")
    assert client.get("/console/").status_code == 200


def open_totp_setup(client: Client) -> str:
    """Open the TOTP set-up page (confirming the password if allauth asks); returns the secret."""
    activate = reverse("mfa_activate_totp")
    response = client.get(activate)
    if response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate")):
        # allauth asks for the password again before MFA settings change.
        assert client.post(response["Location"], {"password": PASSWORD}).status_code == 302
        response = client.get(activate)
    assert response.status_code == 200
    return client.session["mfa.totp.secret"]


def test_totp_activation_through_the_form_lifts_the_redirect(client):
    user = make_user("newsec", roles=("security_officer",), staff=True)
    login(client, "newsec")
    secret = open_totp_setup(client)
    activate = reverse("mfa_activate_totp")
    response = client.post(activate, {"code": current_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get("/console/").status_code == 200


def test_totp_activation_refuses_a_wrong_code(client):
    user = make_user("newsec", roles=("security_officer",), staff=True)
    login(client, "newsec")
    secret = open_totp_setup(client)
    activate = reverse("mfa_activate_totp")
    response = client.post(activate, {"code": wrong_code(secret)})
    assert response.status_code == 200
    assert response.context["form"].errors.get("code")
    assert not Authenticator.objects.filter(user=user).exists()
    assert client.get("/console/")["Location"].startswith(activate)


def test_login_with_totp_requires_the_code_step(client):
    user = make_user("sec", roles=("security_officer",), staff=True)
    secret = with_totp(user)

    response = login(client, "sec")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert logged_in_user_id(client) is None, "the password alone does not log in"
    assert client.get("/console/")["Location"].startswith(LOGIN_URL)

    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("console:home")
    assert logged_in_user_id(client) == str(user.pk)
    assert client.get("/console/").status_code == 200


def test_a_wrong_totp_code_is_refused(client):
    user = make_user("sec", roles=("security_officer",), staff=True)
    secret = with_totp(user)
    login(client, "sec")
    response = client.post(reverse("mfa_authenticate"), {"code": wrong_code(secret)})
    assert response.status_code == 200
    assert response.context["form"].errors.get("code")
    assert logged_in_user_id(client) is None
    assert client.get("/console/").status_code == 302


# --- doors: console and admin ---------------------------------------------------------------------
def test_anonymous_users_are_sent_to_login_from_the_console(client):
    response = client.get("/console/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert "next=/console/" in response["Location"]


def test_wall_users_may_not_enter_the_console(client):
    sign_in(client, make_user("walluser"))
    assert client.get("/console/").status_code == 403
    assert client.get("/").status_code == 200


def test_inactive_staff_may_not_enter_the_console(client):
    user = make_user("former", staff=True)
    sign_in(client, user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = client.get("/console/")
    assert response.status_code != 200


def test_admin_is_for_superusers_only(client):
    sign_in(client, make_user("staffer", staff=True, roles=("operator",)))
    assert client.get("/admin/").status_code == 403
    root = new_client()
    superuser = make_user("root", superuser=True)
    with_totp(superuser)
    sign_in(root, superuser)
    assert root.get("/admin/").status_code == 200


# --- passwords ------------------------------------------------------------------------------------
def test_argon2_is_the_first_hasher_in_the_real_settings():
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from whitewall.config import settings as real_settings

    assert real_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    hasher = Argon2PasswordHasher()
    encoded = hasher.encode("x" * 12, hasher.salt())  # argon2-cffi is installed
    assert encoded.startswith("argon2$") and hasher.verify("x" * 12, encoded)


def test_minimum_length_validator_uses_the_policy():
    lengths = [
        v["OPTIONS"]["min_length"] for v in settings.AUTH_PASSWORD_VALIDATORS if "MinimumLength" in v["NAME"]
    ]
    assert lengths == [get_policy().auth.password_min_length] == [10]


def signup(client: Client, username: str, password: str, email: str | None = None):
    return client.post(
        "/accounts/signup/",
        {
            "username": username,
            "email": email or f"{username}@example.com",
            "password1": password,
            "password2": password,
        },
    )


def test_signup_refuses_a_nine_character_password(client):
    response = signup(client, "shorty", "Xq7!mzr#L")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "password1" in errors
    assert any("10" in message for message in errors["password1"])
    assert not User.objects.filter(username="shorty").exists()


def test_password_change_refuses_a_nine_character_password(client):
    user = make_user("alice")
    sign_in(client, user)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "Xq7!mzr#L", "password2": "Xq7!mzr#L"},
    )
    assert response.status_code == 200
    assert "password1" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_accepts_ten_characters(client):
    user = make_user("alice")
    sign_in(client, user)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "Xq7!mzr#Lp", "password2": "Xq7!mzr#Lp"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Xq7!mzr#Lp")


# --- sessions ---------------------------------------------------------------------------------------
def test_session_expiry_follows_the_policy(client):
    minutes = get_policy().auth.session_minutes
    assert minutes * 60 == settings.SESSION_COOKIE_AGE
    make_user("alice", staff=True)
    before = timezone.now()
    login(client, "alice")
    assert client.session.get_expiry_age() == minutes * 60
    session = Session.objects.get(session_key=client.session.session_key)
    expected = before + timedelta(minutes=minutes)
    assert expected - timedelta(minutes=1) <= session.expire_date <= expected + timedelta(minutes=1)


def test_remembered_login_cookie_lives_as_long_as_the_session(client):
    make_user("alice")
    response = client.post(LOGIN_URL, {"login": "alice", "password": PASSWORD, "remember": "on"})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == get_policy().auth.session_minutes * 60


def test_an_expired_session_is_logged_out(client):
    make_user("alice", staff=True)
    login(client, "alice")
    assert client.get("/console/").status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/console/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


# --- wall sign-up with mandatory email verification -----------------------------------------------
def test_signup_requires_email_verification_before_login(client):
    response = signup(client, "newbie", "Xq7!mzr#Lp-long", email="newbie@example.com")
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert not user.is_staff
    assert logged_in_user_id(client) is None, "not logged in before the address is verified"
    assert EmailAddress.objects.filter(user=user, email="newbie@example.com", verified=False).exists()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["newbie@example.com"]

    other = new_client()
    response = login(other, "newbie", "Xq7!mzr#Lp-long")
    assert logged_in_user_id(other) is None
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")

    link = re.search(r"/accounts/confirm-email/[^/\s]+/", message.body)
    assert link, message.body
    assert other.post(link.group(0)).status_code == 302
    assert EmailAddress.objects.filter(user=user, verified=True).exists()

    third = new_client()
    assert login(third, "newbie", "Xq7!mzr#Lp-long").status_code == 302
    assert logged_in_user_id(third) == str(user.pk)
