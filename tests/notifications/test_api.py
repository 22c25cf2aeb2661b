"""The notifications API: one's own inbox and preferences, and webhook endpoints whose secret is
write-only."""

from __future__ import annotations

from django.db import connection
from django.urls import reverse

from whitewall.accounts.models import User
from whitewall.core.testing import APITestCases
from whitewall.notifications.models import Notification, NotificationPreference, WebhookEndpoint
from whitewall.notifications.registry import EMAIL, INAPP, register_kind

register_kind("tests.api_mailed", "API test kind", default_channels=(INAPP, EMAIL))


class NotificationAPITests(APITestCases.ReadOnlyAPITestCase):
    model = Notification
    api_basename = "notifications-notification"

    def make_objects(self):
        return [
            Notification.objects.create(recipient=self.user, kind="tests.api_mailed", title=f"通知 {i}")
            for i in range(3)
        ]

    def test_someone_elses_notifications_are_never_shown(self):
        other = User.objects.create_user(username="other", email="other@example.com", is_staff=True)
        theirs = Notification.objects.create(recipient=other, kind="tests.api_mailed", title="not yours")
        self.add_permissions("view")  # even an unconstrained grant: the inbox is one's own
        self.assertNotIn(theirs.pk, self.result_ids(self.client.get(self.list_url())))
        self.assertEqual(self.client.get(self.detail_url(theirs)).status_code, 404)
        self.add_permissions("read")
        response = self.send("post", self.detail_url(theirs) + "mark-read/", {})
        self.assertEqual(response.status_code, 404)
        self.assertIsNone(Notification.objects.get(pk=theirs.pk).read_at)

    def test_unread_count_and_mark_read(self):
        self.add_permissions("view", "read", constraints={"recipient": "$user"})
        count_url = reverse("api:notifications-notification-unread-count")
        self.assertEqual(self.client.get(count_url).json(), {"unread": 3})
        target = self.objects[0]
        response = self.send("post", self.detail_url(target) + "mark-read/", {})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertTrue(response.json()["is_read"])
        self.assertEqual(self.client.get(count_url).json(), {"unread": 2})
        response = self.send("post", self.detail_url(target) + "mark-read/", {"read": False})
        self.assertFalse(response.json()["is_read"])
        self.assertEqual(self.client.get(self.list_url(), {"unread": "true"}).status_code, 200)

    def test_mark_read_needs_the_read_permission(self):
        self.add_permissions("view")
        response = self.send("post", self.detail_url(self.objects[0]) + "mark-read/", {})
        self.assertEqual(response.status_code, 403)
        self.assertIsNone(Notification.objects.get(pk=self.objects[0].pk).read_at)

    def test_mark_all_read(self):
        self.add_permissions("view", "read", constraints={"recipient": "$user"})
        response = self.client.post(reverse("api:notifications-notification-mark-all-read"))
        self.assertEqual(response.json(), {"marked": 3})
        self.assertFalse(Notification.objects.filter(recipient=self.user, read_at__isnull=True).exists())

    def test_filters_are_the_inboxs(self):
        self.add_permissions("view")
        self.objects[0].read_at = self.objects[0].created
        self.objects[0].save()
        ids = self.result_ids(self.client.get(self.list_url(), {"unread": "true"}))
        self.assertEqual(ids, {self.objects[1].pk, self.objects[2].pk})
        response = self.client.get(self.list_url(), {"kind": "no.such.kind"})
        self.assertEqual(response.status_code, 400)
        self.assert_error_names_field(response, "kind")


class PreferenceAPITests(APITestCases.ListObjectsAPITestCase):
    model = Notification  # preferences belong to whoever has an inbox
    api_basename = "notifications-preference"

    def make_objects(self):
        return [Notification(pk=1), Notification(pk=2)]  # unused: the list is per kind and channel

    def rows(self):
        return {
            (row["kind"], row["channel"]): row["enabled"] for row in self.client.get(self.list_url()).json()
        }

    def test_list_objects_with_permission(self):
        self.add_permissions("view")
        rows = self.rows()
        self.assertTrue(rows[("tests.api_mailed", INAPP)])
        self.assertTrue(rows[("tests.api_mailed", EMAIL)])

    def test_list_objects_with_constrained_permission_shows_only_permitted_rows(self):
        # A constrained inbox permission still shows one's own preferences (they are never anyone else's).
        self.add_permissions("view", constraints={"recipient": "$user"})
        self.assertEqual(self.client.get(self.list_url()).status_code, 200)

    def test_changing_one_preference_keeps_the_others(self):
        self.add_permissions("view")
        response = self.send(
            "post",
            self.list_url(),
            {"preferences": [{"kind": "tests.api_mailed", "channel": EMAIL, "enabled": False}]},
        )
        self.assertEqual(response.status_code, 200, response.content)
        rows = self.rows()
        self.assertFalse(rows[("tests.api_mailed", EMAIL)])
        self.assertTrue(rows[("tests.api_mailed", INAPP)])
        self.assertFalse(
            NotificationPreference.objects.get(user=self.user, kind="tests.api_mailed", channel=EMAIL).enabled
        )

    def test_unknown_kind_or_channel_is_named(self):
        self.add_permissions("view")
        response = self.send(
            "post", self.list_url(), {"preferences": [{"kind": "nope", "channel": "pigeon", "enabled": True}]}
        )
        self.assertEqual(response.status_code, 400)
        self.assert_error_names_field(response, "preferences.0.kind")
        self.assert_error_names_field(response, "preferences.0.channel")

    def test_without_permission_nothing_is_saved(self):
        response = self.send(
            "post",
            self.list_url(),
            {"preferences": [{"kind": "tests.api_mailed", "channel": EMAIL, "enabled": False}]},
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(NotificationPreference.objects.filter(user=self.user).exists())


class WebhookEndpointAPITests(APITestCases.APIViewTestCase):
    model = WebhookEndpoint
    api_basename = "notifications-webhookendpoint"
    create_data = {
        "name": "安全值班群",
        "kind": "dingtalk",
        "url": "https://oapi.dingtalk.com/robot/send?access_token=abc",
        "secret": "SEC-api-secret-987",
        "kinds": ["jobs.failed"],
    }
    update_data = {"description": "值班"}
    invalid_data = {**create_data, "name": "WeCom", "kind": "wecom", "secret": "not-for-wecom"}
    invalid_field = "secret"

    def make_objects(self):
        return [
            WebhookEndpoint.objects.create(
                name=f"hook {i}", kind="generic", url=f"https://h{i}.example.cn/", secret=f"sec-{i}-xyz"
            )
            for i in range(3)
        ]

    def test_the_secret_is_never_returned(self):
        self.add_permissions("view", "add")
        created = self.send("post", self.list_url(), self.create_data)
        self.assertEqual(created.status_code, 201, created.content)
        self.assertNotIn("secret", created.json())
        self.assertTrue(created.json()["has_secret"])
        for response in (self.client.get(self.list_url()), self.client.get(self.detail_url(self.objects[0]))):
            self.assertNotIn("SEC-api-secret-987", response.content.decode())
            self.assertNotIn("sec-0-xyz", response.content.decode())
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT secret FROM {WebhookEndpoint._meta.db_table} WHERE id = %s", [created.json()["id"]]
            )  # noqa: S608
            self.assertNotIn("SEC-api-secret-987", cursor.fetchone()[0])
        self.assertEqual(WebhookEndpoint.objects.get(pk=created.json()["id"]).secret, "SEC-api-secret-987")

    def test_an_update_without_a_secret_keeps_it_null_removes_it(self):
        self.add_permissions("view", "change")
        endpoint = self.objects[0]
        self.assertEqual(self.send("patch", self.detail_url(endpoint), {"description": "x"}).status_code, 200)
        self.assertEqual(WebhookEndpoint.objects.get(pk=endpoint.pk).secret, "sec-0-xyz")
        self.assertEqual(self.send("patch", self.detail_url(endpoint), {"secret": ""}).status_code, 200)
        self.assertEqual(WebhookEndpoint.objects.get(pk=endpoint.pk).secret, "sec-0-xyz")
        self.assertEqual(self.send("patch", self.detail_url(endpoint), {"secret": "new"}).status_code, 200)
        self.assertEqual(WebhookEndpoint.objects.get(pk=endpoint.pk).secret, "new")
        response = self.send("patch", self.detail_url(endpoint), {"secret": None})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.json()["has_secret"])
        self.assertEqual(WebhookEndpoint.objects.get(pk=endpoint.pk).secret, "")

    def test_an_unknown_kind_is_named(self):
        self.add_permissions("view", "add")
        response = self.send("post", self.list_url(), {**self.create_data, "kinds": ["no.such.kind"]})
        self.assertEqual(response.status_code, 400)
        self.assert_error_names_field(response, "kinds.0")
