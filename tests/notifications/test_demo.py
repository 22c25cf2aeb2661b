from django.test import TestCase

from whitewall.accounts.demo import seed_organisation
from whitewall.core.models import Job
from whitewall.notifications.demo import seed_notifications
from whitewall.notifications.models import Delivery, Notification, WebhookEndpoint


class DemoTests(TestCase):
    def test_demo_notifications_are_seeded_once_with_a_disabled_webhook(self):
        seed_organisation()
        summary = seed_notifications()
        self.assertIn("notifications", summary)
        self.assertTrue(Notification.objects.filter(recipient__username="operator").exists())
        self.assertTrue(
            Notification.objects.filter(recipient__username="admin", object_type="core.job").exists()
        )
        self.assertEqual(Job.objects.filter(created_by__username="admin").count(), 1)
        webhook = WebhookEndpoint.objects.get()
        self.assertFalse(webhook.enabled)
        self.assertFalse(Delivery.objects.exists())  # nothing leaves the machine
        count = Notification.objects.count()
        self.assertEqual(seed_notifications(), "already present")
        self.assertEqual(Notification.objects.count(), count)
