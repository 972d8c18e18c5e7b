"""Celery tasks for webhook pushes: thin, take ids, call ``webhooks``."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.contrib.django.task import DjangoTask

from .webhooks import webhook_deliveries_sweep, webhook_delivery_attempt


@shared_task(bind=True, base=DjangoTask, ignore_result=True)
def webhook_deliver(self: DjangoTask[Any, Any], delivery_id: int) -> str:
    """Attempt one delivery; on a transient failure, queue the next attempt after the backoff."""
    result = webhook_delivery_attempt(delivery_id=delivery_id)
    if result.retry_in is not None:
        # The claim only takes a delivery once its next_attempt_at has come, so an
        # early (or duplicated) message is a no-op rather than an early retry.
        self.apply_async((delivery_id,), countdown=result.retry_in)
    return result.outcome


@shared_task(bind=True, base=DjangoTask, ignore_result=True)
def webhook_deliveries_requeue(self: DjangoTask[Any, Any]) -> int:
    """Periodic: fail interrupted sends and queue overdue pending deliveries again."""
    overdue = webhook_deliveries_sweep()
    for delivery_id in overdue:
        webhook_deliver.delay(delivery_id)
    return len(overdue)
