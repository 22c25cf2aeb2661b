"""Personal API tokens: hashed at rest, expiry, revocation, scope, MFA, and the console pages."""

from datetime import timedelta

from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from whitewall.accounts.models import APIToken, Department, User
from whitewall.accounts.tokens import apitoken_create, apitoken_revoke
from whitewall.core.testing import api_rates, grant, login


def token_client(key: str) -> Client:
    return Client(headers={"Authorization": f"Token {key}"})


class TokenTestCase(TestCase):
    def setUp(self):
        self.enterContext(api_rates())
        self.user = User.objects.create_user(username="api-user", email="api@example.com", is_staff=True)
        grant(self.user, Department, ["view", "add", "change"])
        self.token, self.key = apitoken_create(actor=self.user, name="script", scope="write", days=30)
        self.url = reverse("api:accounts-department-list")


class TokenAuthenticationTests(TokenTestCase):
    def test_the_key_is_not_stored_only_a_salted_hash(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM accounts_apitoken WHERE id = %s", [self.token.pk])
            row = [str(value) for value in cursor.fetchone()]
        secret = self.key.split(".", 1)[1]
        self.assertFalse(any(secret in value or self.key in value for value in row), row)
        other, other_key = apitoken_create(actor=self.user, name="second", scope="read", days=1)
        self.assertNotEqual(self.token.salt, other.salt)
        self.assertEqual(len(self.token.key_hash), 64)

    def test_a_valid_token_authenticates(self):
        response = token_client(self.key).get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(token_client(self.key).get("/api/v1/me/").json()["username"], "api-user")

    def test_a_wrong_or_malformed_key_is_a_401(self):
        for header in (
            f"Token {self.key}x",
            f"Token {self.token.prefix}.wrong",
            "Token nonsense",
            "Token a b",
        ):
            response = Client(headers={"Authorization": header}).get(self.url)
            self.assertEqual(response.status_code, 401, header)
            self.assertEqual(response.json()["code"], "token_invalid")
            self.assertEqual(response["WWW-Authenticate"], "Token")

    def test_an_expired_token_is_refused_clearly(self):
        APIToken.objects.filter(pk=self.token.pk).update(expires=timezone.now() - timedelta(seconds=1))
        response = token_client(self.key).get(self.url)
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["code"], "token_expired")

    def test_a_revoked_token_is_refused_clearly(self):
        apitoken_revoke(actor=self.user, token=self.token)
        response = token_client(self.key).get(self.url)
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["code"], "token_revoked")

    def test_an_inactive_user_cannot_use_a_token(self):
        User.objects.filter(pk=self.user.pk).update(is_active=False)
        response = token_client(self.key).get(self.url)
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["code"], "account_inactive")

    def test_a_read_token_cannot_write(self):
        token, key = apitoken_create(actor=self.user, name="reader", scope="read", days=30)
        client = token_client(key)
        self.assertEqual(client.get(self.url).status_code, 200)
        response = client.post(self.url, {"name": "X", "code": "x-read"}, content_type="application/json")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["code"], "token_read_only")
        self.assertFalse(Department.objects.filter(code="x-read").exists())

    def test_a_write_token_writes_without_csrf(self):
        response = token_client(self.key).post(
            self.url, {"name": "X", "code": "x-write"}, content_type="application/json"
        )
        self.assertEqual(response.status_code, 201, response.content)

    def test_a_token_has_no_more_rights_than_its_user(self):
        response = token_client(self.key).get(reverse("api:accounts-user-list"))
        self.assertEqual(response.status_code, 403)

    def test_last_used_is_recorded_at_most_once_a_minute(self):
        client = token_client(self.key)
        client.get(self.url)
        self.token.refresh_from_db()
        first = self.token.last_used
        self.assertIsNotNone(first)
        client.get(self.url)
        self.token.refresh_from_db()
        self.assertEqual(self.token.last_used, first)
        APIToken.objects.filter(pk=self.token.pk).update(last_used=first - timedelta(minutes=2))
        client.get(self.url)
        self.token.refresh_from_db()
        self.assertGreater(self.token.last_used, first - timedelta(minutes=2))

    def test_users_who_must_have_mfa_but_do_not_cannot_use_tokens(self):
        self.user.groups.add(Group.objects.get(name="system_admin"))  # an MFA-required role
        response = token_client(self.key).get(self.url)
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["code"], "mfa_required")
        from allauth.mfa.models import Authenticator

        Authenticator.objects.create(user=self.user, type=Authenticator.Type.TOTP, data={"secret": "x"})
        self.assertEqual(token_client(self.key).get(self.url).status_code, 200)

    def test_session_writes_need_the_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        client.cookies["whitewall_language"] = "en"
        login(client, self.user)
        response = client.post(self.url, {"name": "X", "code": "x-csrf"}, content_type="application/json")
        self.assertEqual(response.status_code, 403)
        self.assertIn("CSRF", response.json()["detail"])


class TokenServiceTests(TokenTestCase):
    def test_lifetime_is_limited_by_the_policy(self):
        from django.core.exceptions import ValidationError

        from whitewall.config.policy import get_policy

        with self.assertRaises(ValidationError) as caught:
            apitoken_create(
                actor=self.user, name="long", scope="read", days=get_policy().api.token_max_days + 1
            )
        self.assertIn("days", caught.exception.message_dict)

    def test_only_the_owner_or_a_token_manager_revokes(self):
        from django.core.exceptions import PermissionDenied

        other = User.objects.create_user(username="other", email="o@example.com", is_staff=True)
        with self.assertRaises(PermissionDenied):
            apitoken_revoke(actor=other, token=self.token)
        grant(other, APIToken, ["view", "change"])
        other = User.objects.get(pk=other.pk)
        apitoken_revoke(actor=other, token=self.token)
        self.token.refresh_from_db()
        self.assertIsNotNone(self.token.revoked)


class TokenPageTests(TestCase):
    def setUp(self):
        self.user = User.objects.create_user(username="staffer", email="s@example.com", is_staff=True)
        self.client = Client()
        login(self.client, self.user)
        self.url = reverse("accounts:apitoken_own")

    def test_create_shows_the_key_once(self):
        response = self.client.post(self.url, {"name": "my script", "scope": "read", "days": 30})
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response["Cache-Control"], "no-store")
        token = APIToken.objects.get(user=self.user)
        content = response.content.decode()
        self.assertIn('data-testid="new-token-key"', content)
        start = content.index("ww_")
        key = content[start : content.index('"', start)]
        self.assertEqual(token_client(key).get("/api/v1/me/").status_code, 200)
        listing = self.client.get(self.url).content.decode()
        self.assertIn(token.prefix, listing)
        self.assertNotIn(key, listing)

    def test_invalid_input_names_the_field(self):
        response = self.client.post(self.url, {"name": "", "scope": "read", "days": 100000})
        self.assertEqual(response.status_code, 422)
        content = response.content.decode()
        self.assertIn('data-field="name"', content)
        self.assertIn('data-field="days"', content)
        self.assertFalse(APIToken.objects.exists())

    def test_revoke_own_token_but_not_someone_elses(self):
        mine, _key = apitoken_create(actor=self.user, name="mine", scope="read", days=5)
        other = User.objects.create_user(username="other", email="o@example.com", is_staff=True)
        theirs, _key = apitoken_create(actor=other, name="theirs", scope="read", days=5)
        self.client.post(reverse("accounts:apitoken_revoke", args=[mine.pk]))
        mine.refresh_from_db()
        self.assertIsNotNone(mine.revoked)
        response = self.client.post(reverse("accounts:apitoken_revoke", args=[theirs.pk]))
        self.assertEqual(response.status_code, 404)
        theirs.refresh_from_db()
        self.assertIsNone(theirs.revoked)

    def test_the_user_menu_links_to_the_tokens(self):
        self.assertIn(self.url, self.client.get(reverse("console:home")).content.decode())

    def test_system_admin_sees_and_revokes_everyones_tokens(self):
        other = User.objects.create_user(username="other", email="o@example.com", is_staff=True)
        theirs, _key = apitoken_create(actor=other, name="theirs", scope="read", days=5)
        self.assertEqual(self.client.get(reverse("accounts:apitoken_list")).status_code, 403)
        admin = User.objects.create_user(username="admin1", email="a@example.com", is_staff=True)
        admin.groups.add(Group.objects.get(name="system_admin"))
        from allauth.mfa.models import Authenticator

        Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={"secret": "x"})
        client = Client()
        login(client, admin)
        listing = client.get(reverse("accounts:apitoken_list"))
        self.assertEqual(listing.status_code, 200)
        self.assertIn(theirs.prefix, listing.content.decode())
        response = client.post(
            reverse("accounts:apitoken_list"), {"bulk_action": "revoke", "pk": [theirs.pk]}
        )
        self.assertEqual(response.status_code, 302)
        theirs.refresh_from_db()
        self.assertIsNotNone(theirs.revoked)
