"""Webhook signing secrets: encrypted at rest, migrated from plaintext, never shown back."""

from __future__ import annotations

import importlib

from django.contrib.auth.models import Group
from django.db import connection
from django.test import TestCase
from django.urls import reverse

from whitewall.accounts.models import User
from whitewall.core.encryption import DecryptionError, decrypt
from whitewall.core.testing import grant, login
from whitewall.notifications.forms import WebhookEndpointForm
from whitewall.notifications.models import WebhookEndpoint
from whitewall.notifications.services import webhook_endpoint_save

migration = importlib.import_module("whitewall.notifications.migrations.0002_encrypt_webhook_secrets")
TABLE = WebhookEndpoint._meta.db_table


def raw_secret(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT secret FROM {TABLE} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def write_raw_secret(pk: int, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET secret = %s WHERE id = %s", [value, pk])  # noqa: S608


class _Editor:
    """What RunPython hands the migration function: only ``connection`` and ``quote_name`` are used."""

    connection = connection

    @staticmethod
    def quote_name(name):
        return connection.ops.quote_name(name)


class SecretAtRestTests(TestCase):
    def test_the_raw_row_holds_no_plaintext(self):
        endpoint = WebhookEndpoint.objects.create(
            name="ding", kind="dingtalk", url="https://oapi.dingtalk.com/robot/send", secret="SEC-plain-4242"
        )
        stored = raw_secret(endpoint.pk)
        self.assertNotIn("SEC-plain-4242", stored)
        self.assertNotIn("4242", stored)
        self.assertEqual(decrypt(stored), "SEC-plain-4242")
        endpoint.refresh_from_db()
        self.assertEqual(endpoint.secret, "SEC-plain-4242")

    def test_no_secret_stays_empty(self):
        endpoint = WebhookEndpoint.objects.create(
            name="wecom", kind="wecom", url="https://qyapi.weixin.qq.com/x"
        )
        self.assertEqual(raw_secret(endpoint.pk), "")

    def test_the_data_migration_encrypts_plaintext_secrets_and_leaves_encrypted_ones(self):
        old = WebhookEndpoint.objects.create(name="old", kind="feishu", url="https://open.feishu.cn/x")
        new = WebhookEndpoint.objects.create(
            name="new", kind="generic", url="https://hooks.example.cn/x", secret="already-encrypted"
        )
        empty = WebhookEndpoint.objects.create(name="empty", kind="generic", url="https://e.example.cn/")
        write_raw_secret(old.pk, "feishu-plain-secret")  # as 0001 stored it
        token_before = raw_secret(new.pk)
        with self.assertRaises(DecryptionError):
            WebhookEndpoint.objects.get(pk=old.pk)  # plaintext is never handed back as a value

        migration.encrypt_plaintext_secrets(None, _Editor())

        self.assertNotIn("feishu-plain-secret", raw_secret(old.pk))
        self.assertEqual(WebhookEndpoint.objects.get(pk=old.pk).secret, "feishu-plain-secret")
        self.assertEqual(raw_secret(new.pk), token_before)  # not encrypted twice
        self.assertEqual(WebhookEndpoint.objects.get(pk=new.pk).secret, "already-encrypted")
        self.assertEqual(raw_secret(empty.pk), "")

        migration.encrypt_plaintext_secrets(None, _Editor())  # running again changes nothing
        self.assertEqual(WebhookEndpoint.objects.get(pk=old.pk).secret, "feishu-plain-secret")

        migration.decrypt_secrets(None, _Editor())  # the way back restores plaintext
        self.assertEqual(raw_secret(old.pk), "feishu-plain-secret")
        self.assertEqual(raw_secret(new.pk), "already-encrypted")


class SecretInTheConsoleTests(TestCase):
    def setUp(self):
        self.admin = User.objects.create_user(username="admin1", email="admin1@example.com", is_staff=True)
        grant(self.admin, WebhookEndpoint, ["view", "add", "change"])
        login(self.client, self.admin)
        self.endpoint = WebhookEndpoint.objects.create(
            name="值班群",
            kind="dingtalk",
            url="https://oapi.dingtalk.com/robot/send",
            secret="SEC-keep-me-123",
        )
        self.edit_url = reverse("notifications:webhookendpoint_edit", kwargs={"pk": self.endpoint.pk})

    def post(self, **changes):
        data = {
            "name": "值班群",
            "kind": "dingtalk",
            "url": "https://oapi.dingtalk.com/robot/send",
            "secret": "",
            "enabled": "on",
            **changes,
        }
        return self.client.post(self.edit_url, data)

    def test_the_edit_form_never_renders_the_secret(self):
        content = self.client.get(self.edit_url).content.decode()
        self.assertNotIn("SEC-keep-me-123", content)
        secret_input = next(line for line in content.splitlines() if 'name="secret"' in line)
        self.assertNotIn("value=", secret_input)  # the field is empty: blank keeps the stored one
        self.assertIn('name="clear_secret"', content)

    def test_leaving_the_secret_blank_keeps_it(self):
        self.assertEqual(self.post(description="changed").status_code, 302)
        self.endpoint.refresh_from_db()
        self.assertEqual((self.endpoint.secret, self.endpoint.description), ("SEC-keep-me-123", "changed"))

    def test_a_new_secret_replaces_the_old_one(self):
        self.assertEqual(self.post(secret="SEC-new-456").status_code, 302)
        self.endpoint.refresh_from_db()
        self.assertEqual(self.endpoint.secret, "SEC-new-456")

    def test_the_stored_secret_can_be_removed(self):
        self.assertEqual(self.post(clear_secret="on").status_code, 302)
        self.endpoint.refresh_from_db()
        self.assertEqual(self.endpoint.secret, "")

    def test_switching_to_wecom_drops_the_secret_but_a_new_one_is_refused(self):
        self.assertEqual(self.post(kind="wecom", secret="not-for-wecom").status_code, 422)
        self.endpoint.refresh_from_db()
        self.assertEqual(self.endpoint.secret, "SEC-keep-me-123")
        self.assertEqual(self.post(kind="wecom").status_code, 302)
        self.endpoint.refresh_from_db()
        self.assertEqual((self.endpoint.kind, self.endpoint.secret), ("wecom", ""))

    def test_a_new_endpoint_without_a_secret_offers_nothing_to_remove(self):
        self.assertNotIn("clear_secret", WebhookEndpointForm().fields)
        self.assertIn("clear_secret", WebhookEndpointForm(instance=self.endpoint).fields)


class WebhookEndpointSaveTests(TestCase):
    def test_webhook_endpoint_save_needs_permission(self):
        from django.core.exceptions import PermissionDenied

        nobody = User.objects.create_user(username="nobody", email="nobody@example.com", is_staff=True)
        endpoint = WebhookEndpoint(name="x", kind="generic", url="https://x.example.cn/")
        with self.assertRaises(PermissionDenied):
            webhook_endpoint_save(actor=nobody, endpoint=endpoint, secret="s")
        self.assertFalse(WebhookEndpoint.objects.exists())

    def test_webhook_endpoint_save_keeps_replaces_or_removes_the_secret(self):
        admin = User.objects.create_user(username="adm", email="adm@example.com", is_staff=True)
        admin.groups.add(Group.objects.get(name="system_admin"))
        endpoint = webhook_endpoint_save(
            actor=admin,
            endpoint=WebhookEndpoint(name="x", kind="generic", url="https://x.example.cn/"),
            secret="first",
        )
        endpoint = WebhookEndpoint.objects.get(pk=endpoint.pk)
        endpoint.description = "d"
        webhook_endpoint_save(actor=admin, endpoint=endpoint)
        self.assertEqual(WebhookEndpoint.objects.get(pk=endpoint.pk).secret, "first")
        webhook_endpoint_save(actor=admin, endpoint=endpoint, secret="")
        self.assertEqual(WebhookEndpoint.objects.get(pk=endpoint.pk).secret, "")
