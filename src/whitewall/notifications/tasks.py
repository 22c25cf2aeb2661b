"""Delivery jobs: one Huey task per delivery, retried with exponential backoff."""

from huey.contrib.djhuey import db_task
from huey.exceptions import RetryTask


@db_task(name="notifications.deliver")
def deliver(delivery_id: int):
    from whitewall.notifications.services import delivery_attempt

    delay = delivery_attempt(delivery_id=delivery_id)
    if delay is not None:
        raise RetryTask(f"delivery {delivery_id} retries in {delay} s", delay=delay)
