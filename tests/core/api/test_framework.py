"""The API framework: rate limits, error format, schema and Swagger UI under the strict CSP."""

import re

from django.test import Client, TestCase
from django.urls import reverse

from whitewall.accounts.models import Department, User
from whitewall.core.api.registry import register_api, registered_routes
from whitewall.core.testing import api_rates, grant, login


def staff(username="staffer", **extra):
    return User.objects.create_user(
        username=username, email=f"{username}@example.com", is_staff=True, **extra
    )


class RateLimitTests(TestCase):
    def setUp(self):
        # The anonymous counter is per address and lives in the shared cache (Redis persists
        # across tests): start each test from zero.
        from django.core.cache import cache

        cache.delete("throttle_anon_127.0.0.1")

    def test_users_past_the_policy_rate_get_429(self):
        from django.core.cache import cache

        user = staff()
        cache.delete(f"throttle_user_{user.pk}")  # ids repeat across runs; Redis outlives them
        grant(user, Department, ["view"])
        client = Client()
        login(client, user)
        url = reverse("api:accounts-department-list")
        with api_rates(user=3):
            codes = [client.get(url).status_code for _ in range(4)]
            response = client.get(url)
        self.assertEqual(codes, [200, 200, 200, 429])
        self.assertEqual(response.status_code, 429)
        self.assertEqual(response.json()["code"], "throttled")
        self.assertIn("Retry-After", response)
        self.assertGreater(response.json()["retry_after_seconds"], 0)

    def test_anonymous_callers_have_their_own_lower_rate(self):
        with api_rates(user=100, anonymous=2):
            codes = [Client().get("/api/v1/me/").status_code for _ in range(3)]
        self.assertEqual(codes, [401, 401, 429])

    def test_failed_token_attempts_count_too(self):
        with api_rates(user=100, anonymous=2):
            client = Client(headers={"Authorization": "Token ww_000000000000.guess"})
            codes = [client.get("/api/v1/me/").status_code for _ in range(3)]
        self.assertEqual(codes, [401, 401, 429])

    def test_the_rates_come_from_the_policy(self):
        from whitewall.config.policy import get_policy
        from whitewall.core.api.throttling import PolicyAnonRateThrottle, PolicyUserRateThrottle

        policy = get_policy().api
        self.assertEqual(PolicyUserRateThrottle().get_rate(), f"{policy.user_rate_per_minute}/min")
        self.assertEqual(PolicyAnonRateThrottle().get_rate(), f"{policy.anonymous_rate_per_minute}/min")


class ErrorFormatTests(TestCase):
    def setUp(self):
        self.enterContext(api_rates())
        self.user = staff()
        grant(self.user, Department, ["view", "add", "delete"])
        self.client = Client()
        login(self.client, self.user)
        self.url = reverse("api:accounts-department-list")

    def test_validation_errors_name_every_field(self):
        response = self.client.post(self.url, {"code": "bad code!"}, content_type="application/json")
        self.assertEqual(response.status_code, 400)
        body = response.json()
        self.assertEqual(body["code"], "invalid")
        self.assertTrue(body["detail"])
        self.assertEqual(set(body["errors"]), {"name", "code"})
        self.assertIsInstance(body["errors"]["code"], list)

    def test_malformed_json_is_a_400_not_a_500(self):
        response = self.client.post(self.url, "{not json", content_type="application/json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["code"], "parse_error")

    def test_unknown_objects_are_404_in_the_same_shape(self):
        response = self.client.get(reverse("api:accounts-department-detail", args=[999999]))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["code"], "not_found")

    def test_method_not_allowed_is_405(self):
        response = self.client.delete(self.url)
        self.assertEqual(response.status_code, 405)
        self.assertIn("detail", response.json())


class RegistryTests(TestCase):
    def test_every_registered_route_is_mounted(self):
        for route in registered_routes():
            self.assertTrue(reverse(f"api:{route.basename}-list").startswith("/api/v1/"))

    def test_a_prefix_cannot_be_registered_twice(self):
        route = registered_routes()[0]
        with self.assertRaises(ValueError):
            register_api(route.prefix, route.viewset)

    def test_the_root_lists_the_resources_to_logged_in_users(self):
        self.assertEqual(Client().get("/api/v1/").status_code, 401)
        client = Client()
        login(client, staff())
        body = client.get("/api/v1/").json()
        self.assertIn("accounts/departments", body)


class SchemaAndDocsTests(TestCase):
    def setUp(self):
        self.client = Client()
        login(self.client, staff())

    def test_the_schema_needs_a_staff_login(self):
        self.assertEqual(Client().get("/api/schema/").status_code, 401)
        wall_user = User.objects.create_user(username="wall", email="wall@example.com")
        client = Client()
        login(client, wall_user)
        self.assertEqual(client.get("/api/schema/").status_code, 403)
        response = self.client.get("/api/schema/?format=json")
        self.assertEqual(response.status_code, 200)
        schema = response.json()
        self.assertEqual(schema["info"]["title"], "Whitewall API")
        self.assertIn("/api/v1/accounts/staff/{id}/deactivate/", schema["paths"])
        self.assertIn("tokenAuth", schema["components"]["securitySchemes"])
        self.assertNotIn("/api/schema/", schema["paths"])

    def test_the_docs_send_anonymous_visitors_to_log_in(self):
        response = Client().get("/api/docs/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])

    def test_swagger_ui_runs_under_the_strict_csp(self):
        response = self.client.get("/api/docs/")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        policy = response["Content-Security-Policy"]
        self.assertNotIn("unsafe-inline", policy)
        self.assertNotIn("unsafe-eval", policy)
        self.assertIn("script-src 'self'", policy)
        # No inline script or style: every script is a same-origin file, the init script included.
        self.assertIsNone(re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html))
        self.assertNotIn("<style", html)
        sources = re.findall(r'<script src="([^"]+)"', html)
        self.assertEqual(len(sources), 3)
        for source in sources:
            self.assertTrue(source.startswith("/"), source)  # our origin, no CDN
        self.assertTrue(any("swagger-ui-bundle.js" in s for s in sources))
        init = next(s for s in sources if "script" in s.split("?")[-1]).replace("&amp;", "&")
        script = self.client.get(init)
        self.assertEqual(script.status_code, 200)
        self.assertTrue(script["Content-Type"].startswith("application/javascript"))
        self.assertIn("SwaggerUIBundle(", script.content.decode())
        self.assertIn("/api/schema/", script.content.decode())
        for source in sources[:2]:
            self.assertEqual(self.client.get(source).status_code, 200, source)
