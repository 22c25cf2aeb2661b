"""Webhook deliveries to a REAL local HTTP server: each platform's signature verifies on the
receiving side, payloads have the documented shape, 500s are retried with doubling delays, and a
delivery that keeps failing is recorded as failed — and never sent twice once sent."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.contrib.auth.models import Group
from django.test import TestCase

from whitewall.accounts.models import User
from whitewall.core.testing.jobs import flush_queue, run_scheduled_tasks
from whitewall.notifications.models import Delivery, WebhookEndpoint
from whitewall.notifications.registry import INAPP, WEBHOOK, register_kind
from whitewall.notifications.services import notify, webhook_endpoint_test
from whitewall.notifications.tasks import deliver

register_kind("tests.webhook", "Webhook test kind", default_channels=(INAPP, WEBHOOK))
register_kind("tests.quiet", "Quiet kind", default_channels=(INAPP,))


class Receiver:
    """A local HTTP server that records every POST and answers with the statuses it is given."""

    def __init__(self, statuses=(), answer=None):
        self.requests: list[dict] = []
        self.statuses = list(statuses)
        self.answer = answer if answer is not None else {"errcode": 0, "errmsg": "ok", "code": 0}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length)
                parsed = urllib.parse.urlsplit(self.path)
                receiver.requests.append(
                    {
                        "path": parsed.path,
                        "query": dict(urllib.parse.parse_qsl(parsed.query)),
                        "headers": dict(self.headers),
                        "raw": raw,
                        "json": json.loads(raw.decode("utf-8")),
                    }
                )
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                body = json.dumps(receiver.answer if status == 200 else {"error": "boom"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path="/hook"):
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class WebhookTests(TestCase):
    def setUp(self):
        flush_queue()
        self.user = User.objects.create_user(username="reader", email="reader@example.com", is_staff=True)

    def receiver(self, **kwargs):
        receiver = Receiver(**kwargs)
        self.addCleanup(receiver.close)
        return receiver

    def endpoint(self, receiver, kind, secret="", path="/hook", **extra):
        return WebhookEndpoint.objects.create(
            name=f"{kind}-{path}", kind=kind, url=receiver.url(path), secret=secret, **extra
        )

    def send(self, kind="tests.webhook", **kwargs):
        fields = {
            "title": "服务器磁盘告警",
            "body": "磁盘使用率 91%",
            "url": "/console/system/jobs/7/",
        } | kwargs
        with self.captureOnCommitCallbacks(execute=True):
            notify(recipients=[self.user], kind=kind, **fields)

    def test_dingtalk_signature_verifies_and_message_is_markdown(self):
        receiver = self.receiver()
        secret = "SEC0123456789abcdef"
        self.endpoint(receiver, WebhookEndpoint.DINGTALK, secret=secret, path="/robot/send?access_token=abc")
        self.send()
        self.assertEqual(len(receiver.requests), 1)
        request = receiver.requests[0]
        query = request["query"]
        self.assertEqual(query["access_token"], "abc")
        timestamp = query["timestamp"]
        self.assertEqual(len(timestamp), 13)  # milliseconds
        expected = base64.b64encode(
            hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
        ).decode()
        self.assertEqual(query["sign"], expected)  # parse_qsl undid the URL-encoding
        payload = request["json"]
        self.assertEqual(payload["msgtype"], "markdown")
        self.assertEqual(payload["markdown"]["title"], "服务器磁盘告警")
        self.assertIn("磁盘使用率 91%", payload["markdown"]["text"])
        self.assertIn("/console/system/jobs/7/", payload["markdown"]["text"])
        delivery = Delivery.objects.get()
        self.assertEqual((delivery.status, delivery.attempts, delivery.response_code), ("sent", 1, 200))

    def test_feishu_signature_verifies_with_post_and_text_messages(self):
        receiver = self.receiver()
        secret = "feishu-secret"
        self.endpoint(receiver, WebhookEndpoint.FEISHU, secret=secret)
        self.send()
        self.send(url="")
        post, text = (request["json"] for request in receiver.requests)
        for payload in (post, text):
            timestamp = payload["timestamp"]
            self.assertEqual(len(timestamp), 10)  # seconds
            expected = base64.b64encode(
                hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
            ).decode()
            self.assertEqual(payload["sign"], expected)
        self.assertEqual(post["msg_type"], "post")
        zh = post["content"]["post"]["zh_cn"]
        self.assertEqual(zh["title"], "服务器磁盘告警")
        self.assertEqual(zh["content"][0], [{"tag": "text", "text": "磁盘使用率 91%"}])
        self.assertEqual(zh["content"][1][0]["tag"], "a")
        self.assertEqual(text["msg_type"], "text")
        self.assertEqual(text["content"]["text"], "服务器磁盘告警\n磁盘使用率 91%")

    def test_wecom_message_is_unsigned_markdown(self):
        receiver = self.receiver()
        self.endpoint(receiver, WebhookEndpoint.WECOM, path="/cgi-bin/webhook/send?key=k1")
        self.send()
        request = receiver.requests[0]
        self.assertEqual(request["query"], {"key": "k1"})
        self.assertEqual(set(request["json"]), {"msgtype", "markdown"})
        self.assertEqual(request["json"]["msgtype"], "markdown")
        self.assertIn("服务器磁盘告警", request["json"]["markdown"]["content"])

    def test_generic_json_is_signed_over_the_body(self):
        receiver = self.receiver()
        self.endpoint(receiver, WebhookEndpoint.GENERIC, secret="k3y")
        self.send()
        request = receiver.requests[0]
        expected = "sha256=" + hmac.new(b"k3y", request["raw"], hashlib.sha256).hexdigest()
        self.assertEqual(request["headers"]["X-Whitewall-Signature"], expected)
        self.assertEqual(request["json"]["kind"], "tests.webhook")
        self.assertEqual(request["json"]["title"], "服务器磁盘告警")
        self.assertEqual(request["headers"]["X-Whitewall-Delivery"], str(Delivery.objects.get().pk))

    def test_server_errors_are_retried_with_doubling_delays_then_succeed(self):
        receiver = self.receiver(statuses=[500, 500, 200])
        self.endpoint(receiver, WebhookEndpoint.GENERIC)
        self.send()
        delivery = Delivery.objects.get()
        self.assertEqual((delivery.status, delivery.attempts, delivery.response_code), ("pending", 1, 500))
        self.assertEqual(delivery.next_attempt_at - delivery.last_attempt_at, datetime.timedelta(seconds=60))
        run_scheduled_tasks(self)
        delivery.refresh_from_db()
        self.assertEqual((delivery.status, delivery.attempts), ("pending", 2))
        self.assertEqual(delivery.next_attempt_at - delivery.last_attempt_at, datetime.timedelta(seconds=120))
        run_scheduled_tasks(self)
        delivery.refresh_from_db()
        self.assertEqual((delivery.status, delivery.attempts, delivery.response_code), ("sent", 3, 200))
        self.assertEqual(delivery.last_error, "")
        self.assertEqual(len(receiver.requests), 3)
        # Sent is final: a duplicate queue message sends nothing.
        deliver(delivery.pk)
        self.assertEqual(len(receiver.requests), 3)

    def test_a_delivery_that_keeps_failing_is_recorded_as_failed_after_max_attempts(self):
        receiver = self.receiver(statuses=[500] * 20)
        self.endpoint(receiver, WebhookEndpoint.GENERIC)
        self.send()
        run_scheduled_tasks(self, rounds=20)
        delivery = Delivery.objects.get()
        self.assertEqual((delivery.status, delivery.attempts), ("failed", 5))  # policy max_attempts
        self.assertEqual(delivery.response_code, 500)
        self.assertIn("HTTP 500", delivery.last_error)
        self.assertIsNone(delivery.next_attempt_at)
        self.assertEqual(len(receiver.requests), 5)
        deliver(delivery.pk)
        self.assertEqual(len(receiver.requests), 5)

    def test_a_robot_refusal_in_a_200_answer_counts_as_a_failure(self):
        receiver = self.receiver(answer={"errcode": 310000, "errmsg": "sign not match"})
        self.endpoint(receiver, WebhookEndpoint.DINGTALK, secret="SECx")
        self.send()
        delivery = Delivery.objects.get()
        self.assertEqual(delivery.status, "pending")
        self.assertIn("310000", delivery.last_error)

    def test_endpoints_receive_only_their_kinds_and_only_when_enabled(self):
        receiver = self.receiver()
        self.endpoint(receiver, WebhookEndpoint.GENERIC, path="/default")
        self.endpoint(receiver, WebhookEndpoint.GENERIC, path="/quiet", kinds=["tests.quiet"])
        self.endpoint(receiver, WebhookEndpoint.GENERIC, path="/off", enabled=False)
        self.send(kind="tests.webhook")
        self.send(kind="tests.quiet")
        self.assertEqual([r["path"] for r in receiver.requests], ["/default", "/quiet"])

    def test_a_test_message_to_a_disabled_endpoint_fails_without_retrying(self):
        receiver = self.receiver()
        endpoint = self.endpoint(receiver, WebhookEndpoint.GENERIC, enabled=False)
        admin = User.objects.create_user(username="wadmin", email="wadmin@example.com", is_staff=True)
        admin.groups.add(Group.objects.get(name="system_admin"))
        with self.captureOnCommitCallbacks(execute=True):
            delivery = webhook_endpoint_test(actor=admin, endpoint=endpoint)
        delivery.refresh_from_db()
        self.assertEqual((delivery.status, delivery.attempts), ("failed", 1))
        self.assertIn("disabled", delivery.last_error)
        self.assertEqual(receiver.requests, [])
