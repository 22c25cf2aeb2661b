"""notify() and the inbox: channels by preference, e-mail in the outbox, the bell's count,
marking read, and each person seeing only their own notifications."""

from __future__ import annotations

import re

from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from whitewall.accounts.models import User
from whitewall.core.signals import job_failed
from whitewall.core.testing import ViewTestCases, login
from whitewall.core.testing.jobs import flush_queue
from whitewall.notifications.models import Delivery, Notification, NotificationPreference, WebhookEndpoint
from whitewall.notifications.registry import EMAIL, INAPP, register_kind
from whitewall.notifications.services import (
    notification_mark_all_read,
    notify,
    preferences_save,
    unread_count,
)

register_kind("tests.mailed", "Mailed kind", default_channels=(INAPP, EMAIL))
register_kind("tests.inapp", "In-app kind", default_channels=(INAPP,))


def staff(username, role="operator", **extra):
    user = User.objects.create_user(
        username=username, email=f"{username}@example.com", is_staff=True, **extra
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


class NotifyTests(TestCase):
    def setUp(self):
        flush_queue()
        self.alice = staff("alice")
        self.bob = staff("bob")

    def send(self, **kwargs):
        fields = {"kind": "tests.mailed", "title": "请审批报销单", "body": "金额 1,200.00 元"} | kwargs
        with self.captureOnCommitCallbacks(execute=True):
            return notify(recipients=fields.pop("recipients", [self.alice, self.bob]), **fields)

    @override_settings(WHITEWALL_BASE_URL="https://ops.example.cn")
    def test_in_app_now_and_email_by_delivery_job(self):
        created = self.send(obj=self.bob, url="/console/accounts/users/1/")
        self.assertEqual({n.recipient for n in created}, {self.alice, self.bob})
        note = Notification.objects.get(recipient=self.alice)
        self.assertEqual((note.object_type, note.object_id), ("accounts.user", str(self.bob.pk)))
        self.assertEqual(len(mail.outbox), 2)
        message = next(m for m in mail.outbox if m.to == ["alice@example.com"])
        self.assertEqual(message.subject, "请审批报销单")
        self.assertIn("金额 1,200.00 元", message.body)
        self.assertIn("https://ops.example.cn/console/accounts/users/1/", message.body)
        self.assertEqual(set(Delivery.objects.values_list("status", flat=True)), {"sent"})

    def test_email_is_not_sent_before_the_transaction_commits(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            notify(recipients=[self.alice], kind="tests.mailed", title="t")
        self.assertEqual(len(mail.outbox), 0)
        self.assertEqual(Delivery.objects.get().status, "pending")
        for callback in callbacks:
            callback()
        self.assertEqual(len(mail.outbox), 1)

    def test_preferences_choose_the_channels(self):
        NotificationPreference.objects.create(
            user=self.alice, kind="tests.mailed", channel=EMAIL, enabled=False
        )
        NotificationPreference.objects.create(
            user=self.bob, kind="tests.mailed", channel=INAPP, enabled=False
        )
        NotificationPreference.objects.create(user=self.bob, kind="tests.inapp", channel=EMAIL, enabled=True)
        self.send()
        self.assertEqual([m.to for m in mail.outbox], [["bob@example.com"]])
        self.assertEqual(list(Notification.objects.values_list("recipient__username", flat=True)), ["alice"])
        mail.outbox.clear()
        self.send(kind="tests.inapp")  # in-app by default; bob asked for e-mail too
        self.assertEqual([m.to for m in mail.outbox], [["bob@example.com"]])

    def test_inactive_users_and_users_without_email(self):
        self.bob.is_active = False
        self.bob.save()
        carol = staff("carol")
        carol.email = ""
        carol.save()
        self.send(recipients=[self.alice, self.bob, carol, self.alice])
        self.assertEqual(Notification.objects.filter(recipient=self.alice).count(), 1)
        self.assertFalse(Notification.objects.filter(recipient=self.bob).exists())
        self.assertTrue(Notification.objects.filter(recipient=carol).exists())
        self.assertEqual([m.to for m in mail.outbox], [["alice@example.com"]])

    def test_unknown_kind_is_refused(self):
        with self.assertRaises(ValueError):
            notify(recipients=[self.alice], kind="no.such.kind", title="x")

    def test_job_failed_notifies_the_active_system_admins_only(self):
        admin = staff("admin1", role="system_admin")
        retired = staff("admin2", role="system_admin", is_active=False)
        with self.captureOnCommitCallbacks(execute=True):
            job_failed.send(sender=None, job=None, name="nightly.backup", error="ConnectionError: refused")
        notes = Notification.objects.filter(kind="jobs.failed")
        self.assertEqual([n.recipient for n in notes], [admin])
        self.assertIn("nightly.backup", notes[0].title)
        self.assertIn("ConnectionError", notes[0].body)
        self.assertFalse(notes.filter(recipient__in=[retired, self.alice]).exists())
        self.assertEqual(
            [m.to for m in mail.outbox], [["admin1@example.com"]]
        )  # jobs.failed defaults to e-mail

    def test_mark_all_read_touches_only_the_actors_notifications(self):
        self.send(kind="tests.inapp")
        self.assertEqual(notification_mark_all_read(actor=self.alice), 1)
        self.assertEqual(unread_count(self.alice), 0)
        self.assertEqual(unread_count(self.bob), 1)


class InboxViewTests(TestCase):
    def setUp(self):
        self.alice = staff("alice")
        self.bob = staff("bob")
        self.client = Client()
        login(self.client, self.alice)
        self.mine = [
            Notification.objects.create(
                recipient=self.alice, kind="tests.inapp", title=f"给 Alice 的通知 {i}"
            )
            for i in range(2)
        ]
        self.theirs = Notification.objects.create(
            recipient=self.bob, kind="tests.inapp", title="给 Bob 的通知", url="/console/"
        )

    def test_inbox_lists_only_my_notifications(self):
        content = self.client.get(reverse("notifications:notification_list")).content.decode()
        for note in self.mine:
            self.assertIn(note.title, content)
        self.assertNotIn(self.theirs.title, content)

    def test_someone_elses_notification_is_not_found(self):
        detail = reverse("notifications:notification_detail", kwargs={"pk": self.theirs.pk})
        self.assertEqual(self.client.get(detail).status_code, 404)
        read = reverse("notifications:notification_read", kwargs={"pk": self.theirs.pk})
        self.assertEqual(self.client.post(read).status_code, 404)
        self.theirs.refresh_from_db()
        self.assertIsNone(self.theirs.read_at)
        # Not even an auditor reads other people's notifications.
        auditor = staff("aud", role="auditor")
        login(self.client, auditor)
        self.assertEqual(self.client.get(detail).status_code, 404)

    def test_opening_marks_read_and_links_to_the_object(self):
        login(self.client, self.bob)
        response = self.client.get(
            reverse("notifications:notification_detail", kwargs={"pk": self.theirs.pk})
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn('href="/console/"', response.content.decode())
        self.theirs.refresh_from_db()
        self.assertIsNotNone(self.theirs.read_at)
        self.client.post(
            reverse("notifications:notification_read", kwargs={"pk": self.theirs.pk}), {"unread": "1"}
        )
        self.theirs.refresh_from_db()
        self.assertIsNone(self.theirs.read_at)

    def test_bell_counts_unread_and_mark_read_lowers_it(self):
        bell = reverse("notifications:notification_bell")
        response = self.client.get(bell, headers={"HX-Request": "true"})
        self.assertEqual(response.status_code, 200)
        self.assertIn('data-testid="bell-count">2<', response.content.decode())
        response = self.client.post(
            reverse("notifications:notification_read", kwargs={"pk": self.mine[0].pk})
        )
        self.assertEqual(response.status_code, 302)
        self.assertIn('data-testid="bell-count">1<', self.client.get(bell).content.decode())
        self.client.post(reverse("notifications:notification_read_all"))
        self.assertNotIn("bell-count", self.client.get(bell).content.decode())
        self.theirs.refresh_from_db()
        self.assertIsNone(self.theirs.read_at)

    def test_console_header_polls_the_bell_only_for_people_with_an_inbox(self):
        page = self.client.get(reverse("console:home")).content.decode()
        self.assertIn(f'hx-get="{reverse("notifications:notification_bell")}"', page)
        nobody = staff("nobody", role=None)
        login(self.client, nobody)
        page = self.client.get(reverse("console:home")).content.decode()
        self.assertNotIn(reverse("notifications:notification_bell"), page)
        self.assertEqual(self.client.get(reverse("notifications:notification_bell")).status_code, 403)

    def test_bulk_mark_read_skips_other_peoples_rows(self):
        response = self.client.post(
            reverse("notifications:notification_list"),
            {"bulk_action": "read", "pk": [self.mine[0].pk, self.theirs.pk]},
        )
        self.assertEqual(response.status_code, 302)
        self.mine[0].refresh_from_db()
        self.theirs.refresh_from_db()
        self.assertIsNotNone(self.mine[0].read_at)
        self.assertIsNone(self.theirs.read_at)

    def test_preferences_page_saves_my_choices(self):
        url = reverse("notifications:notification_preferences")
        page = self.client.get(url).content.decode()
        self.assertIn('value="tests.mailed:email" id=', page)
        self.assertNotIn("notifications.test", page)  # not a kind people subscribe to
        response = self.client.post(
            url, {"enabled": ["tests.mailed:inapp", "bogus:email", "tests.inapp:email"]}
        )
        self.assertEqual(response.status_code, 302)
        prefs = {
            (p.kind, p.channel): p.enabled for p in NotificationPreference.objects.filter(user=self.alice)
        }
        self.assertTrue(prefs[("tests.mailed", "inapp")])
        self.assertFalse(prefs[("tests.mailed", "email")])
        self.assertTrue(prefs[("tests.inapp", "email")])
        self.assertFalse(prefs[("tests.inapp", "inapp")])
        self.assertFalse(NotificationPreference.objects.filter(user=self.bob).exists())
        page = self.client.get(url).content.decode()
        checked = set(re.findall(r'value="([^"]+)" id="[^"]+" aria-label="[^"]*" checked', page))
        self.assertIn("tests.inapp:email", checked)
        self.assertIn("tests.mailed:inapp", checked)
        self.assertNotIn("tests.mailed:email", checked)

    def test_preferences_service_writes_every_choosable_kind(self):
        written = preferences_save(actor=self.bob, enabled={("tests.inapp", "inapp")})
        self.assertEqual(written, NotificationPreference.objects.filter(user=self.bob).count())


class NotificationViewTests(ViewTestCases.ListObjectsViewTestCase, ViewTestCases.GetObjectViewTestCase):
    model = Notification

    def make_objects(self):
        return [
            Notification.objects.create(recipient=self.user, kind="tests.inapp", title=f"通知 {i}")
            for i in range(3)
        ]


class WebhookEndpointViewTests(ViewTestCases.PrimaryObjectViewTestCase):
    model = WebhookEndpoint
    form_data = {
        "name": "安全值班群",
        "kind": "dingtalk",
        "url": "https://oapi.dingtalk.com/robot/send?access_token=abc",
        "secret": "SECabc",
        "kinds": ["jobs.failed"],
        "enabled": "on",
    }
    invalid_form_data = {**form_data, "name": "WeCom", "kind": "wecom", "secret": "not-for-wecom"}
    invalid_field = "secret"

    def make_objects(self):
        return [
            WebhookEndpoint.objects.create(name=f"hook {i}", kind="generic", url=f"https://h{i}.example.cn/")
            for i in range(3)
        ]

    def test_secret_is_not_shown_on_the_detail_page(self):
        self.add_permissions("view")
        endpoint = WebhookEndpoint.objects.create(
            name="signed", kind="feishu", url="https://x.example.cn/", secret="very-secret-value"
        )
        content = self.client.get(self.url("detail", endpoint)).content.decode()
        self.assertNotIn("very-secret-value", content)


class DeliveryViewTests(ViewTestCases.ListObjectsViewTestCase, ViewTestCases.GetObjectViewTestCase):
    model = Delivery

    def make_objects(self):
        return [
            Delivery.objects.create(
                channel="email",
                kind="tests.inapp",
                title=f"投递 {i}",
                target=f"u{i}@example.com",
                status="failed",
            )
            for i in range(3)
        ]

    def test_retry_sends_a_failed_delivery_again(self):
        flush_queue()
        delivery = self.objects[0]
        url = reverse("notifications:delivery_retry", kwargs={"pk": delivery.pk})
        self.add_permissions("view")
        self.assertEqual(self.client.post(url).status_code, 403)
        self.add_permissions("change")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url)
        self.assertEqual(response.status_code, 302)
        delivery.refresh_from_db()
        self.assertEqual((delivery.status, delivery.attempts), ("sent", 1))
        self.assertEqual([m.to for m in mail.outbox], [["u0@example.com"]])
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(url)  # no longer failed: refused with a message, nothing sent
        self.assertEqual(len(mail.outbox), 1)
