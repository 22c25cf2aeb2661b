"""Sending one delivery: e-mail through Django's mail settings, or a webhook robot message.

Message formats and signing follow each platform's documentation:

* DingTalk custom robot — ``sign = urlencode(base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}")))``,
  timestamp in milliseconds; both go in the query string; body ``{"msgtype": "markdown", ...}``;
  success is ``{"errcode": 0}``.
* Feishu / Lark custom bot — ``sign = base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", msg=b""))``,
  timestamp in seconds; both go in the JSON body with ``msg_type`` ``text`` or ``post``;
  success is ``{"code": 0}``.
* WeCom group robot — no signing (the key is in the URL); ``{"msgtype": "markdown",
  "markdown": {"content": ...}}``; success is ``{"errcode": 0}``.
* Generic JSON — the notification as JSON; with a secret, ``X-Whitewall-Signature:
  sha256=<hex HMAC-SHA256 of the body>``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from whitewall.notifications.models import Delivery, WebhookEndpoint

USER_AGENT = "Whitewall-Notifications/1"


class DeliveryError(Exception):
    """An attempt failed; ``response_code`` is the HTTP status when there was one."""

    def __init__(self, message: str, response_code: int | None = None, *, permanent: bool = False):
        super().__init__(message)
        self.response_code = response_code
        self.permanent = permanent  # retrying cannot help (no endpoint, no address)


@dataclass
class Outcome:
    response_code: int | None = None


def absolute_url(url: str) -> str:
    base = getattr(settings, "WHITEWALL_BASE_URL", "") or ""
    if url and url.startswith("/") and base:
        return base.rstrip("/") + url
    return url


# --- signing ----------------------------------------------------------------------------------------
def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """Base64 of HMAC-SHA256(secret, "timestamp\\nsecret"); url-encode it when put in a URL."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Base64 of HMAC-SHA256 keyed with "timestamp\\nsecret" over an empty message."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def generic_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


# --- payloads -----------------------------------------------------------------------------------------
def _markdown(delivery: Delivery, heading: str) -> str:
    parts = [f"{heading} {delivery.title}"]
    if delivery.body:
        parts.append(delivery.body)
    link = absolute_url(delivery.url)
    if link:
        parts.append(f"[{link}]({link})")
    return "\n\n".join(parts)


def build_webhook_request(
    endpoint: WebhookEndpoint, delivery: Delivery, *, now: float | None = None
) -> tuple[str, bytes, dict[str, str]]:
    """The URL, body and headers of the POST for ``delivery`` to ``endpoint``."""
    now = time.time() if now is None else now
    url = endpoint.url
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT}
    link = absolute_url(delivery.url)
    if endpoint.kind == WebhookEndpoint.DINGTALK:
        payload = {
            "msgtype": "markdown",
            "markdown": {"title": delivery.title, "text": _markdown(delivery, "####")},
        }
        if endpoint.secret:
            timestamp = int(now * 1000)
            query = urllib.parse.urlencode(
                {"timestamp": timestamp, "sign": dingtalk_sign(endpoint.secret, timestamp)}
            )
            url = url + ("&" if "?" in url else "?") + query
    elif endpoint.kind == WebhookEndpoint.FEISHU:
        if link:
            lines = [[{"tag": "text", "text": delivery.body}]] if delivery.body else []
            lines.append([{"tag": "a", "text": link, "href": link}])
            payload = {
                "msg_type": "post",
                "content": {"post": {"zh_cn": {"title": delivery.title, "content": lines}}},
            }
        else:
            text = delivery.title + (f"\n{delivery.body}" if delivery.body else "")
            payload = {"msg_type": "text", "content": {"text": text}}
        if endpoint.secret:
            timestamp = int(now)
            payload = {
                "timestamp": str(timestamp),
                "sign": feishu_sign(endpoint.secret, timestamp),
                **payload,
            }
    elif endpoint.kind == WebhookEndpoint.WECOM:
        payload = {"msgtype": "markdown", "markdown": {"content": _markdown(delivery, "###")}}
    else:
        payload = {
            "event": "notification",
            "delivery": delivery.pk,
            "kind": delivery.kind,
            "kind_label": str(delivery.kind_label),
            "title": delivery.title,
            "body": delivery.body,
            "url": link,
            "object": {"type": delivery.object_type, "id": delivery.object_id}
            if delivery.object_type
            else None,
            "sent_at": timezone.now().isoformat(timespec="seconds"),
        }
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    if endpoint.kind == WebhookEndpoint.GENERIC:
        headers["X-Whitewall-Delivery"] = str(delivery.pk)
        if endpoint.secret:
            headers["X-Whitewall-Signature"] = generic_signature(endpoint.secret, body)
    return url, body, headers


def _check_answer(endpoint: WebhookEndpoint, status: int, content: bytes) -> None:
    """Robots answer 200 with an error code in the body when they refuse a message."""
    if endpoint.kind == WebhookEndpoint.GENERIC:
        return
    try:
        answer = json.loads(content.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        return
    if not isinstance(answer, dict):
        return
    code = (
        answer.get("errcode")
        if endpoint.kind != WebhookEndpoint.FEISHU
        else answer.get("code", answer.get("StatusCode"))
    )
    if code not in (None, 0, "0"):
        message = answer.get("errmsg") or answer.get("msg") or answer.get("StatusMessage") or ""
        raise DeliveryError(f"the robot refused the message: code {code} {message}".strip(), status)


def send_webhook(delivery: Delivery) -> Outcome:
    endpoint = delivery.endpoint
    if endpoint is None:
        raise DeliveryError("the webhook endpoint was deleted", permanent=True)
    if not endpoint.enabled:
        raise DeliveryError("the webhook endpoint is disabled", permanent=True)
    url, body, headers = build_webhook_request(endpoint, delivery)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - admin-set URL
    timeout = getattr(settings, "WHITEWALL_WEBHOOK_TIMEOUT", 10)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status = response.status
            content = response.read(65536)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code} {exc.reason}", exc.code)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DeliveryError(f"cannot reach the endpoint: {getattr(exc, 'reason', exc)}")
    if status >= 300:
        raise DeliveryError(f"HTTP {status}", status)
    _check_answer(endpoint, status, content)
    return Outcome(response_code=status)


def send_email(delivery: Delivery) -> Outcome:
    if not delivery.target:
        raise DeliveryError("the recipient has no e-mail address", permanent=True)
    text = delivery.body
    link = absolute_url(delivery.url)
    if link:
        text = f"{text}\n\n{link}" if text else link
    try:
        EmailMessage(subject=delivery.title, body=text, to=[delivery.target]).send(fail_silently=False)
    except Exception as exc:  # SMTP errors come in many types
        raise DeliveryError(f"{type(exc).__name__}: {exc}")
    return Outcome()


def send(delivery: Delivery) -> Outcome:
    if delivery.channel == Delivery.EMAIL:
        return send_email(delivery)
    return send_webhook(delivery)
