"""Celery tasks for webhook pushes: thin, take ids, call ``webhooks``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from celery import shared_task
from celery.contrib.django.task import DjangoTask

from .webhooks import (
    BATCH_SIZE,
    BatchResult,
    webhook_batches,
    webhook_deliveries_attempt,
    webhook_deliveries_programs,
    webhook_deliveries_sweep,
)


def _queue_again(task: DjangoTask[Any, Any], result: BatchResult) -> None:
    # The claim only takes a delivery once its next_attempt_at has come, so an early
    # (or duplicated) message is a no-op rather than an early retry.
    for countdown, delivery_ids in result.due_again().items():
        task_batch = webhook_deliver_batch if len(delivery_ids) > 1 else webhook_deliver
        arguments = (delivery_ids,) if len(delivery_ids) > 1 else (delivery_ids[0],)
        task_batch.apply_async(arguments, countdown=countdown)


@shared_task(bind=True, base=DjangoTask, ignore_result=True)
def webhook_deliver(self: DjangoTask[Any, Any], delivery_id: int) -> str:
    """Attempt one delivery; on a transient failure, queue the next attempt after the backoff."""
    result = webhook_deliveries_attempt(delivery_ids=[delivery_id])
    _queue_again(self, result)
    return result.outcomes.get(delivery_id, "skipped")


@shared_task(bind=True, base=DjangoTask, ignore_result=True)
def webhook_deliver_batch(self: DjangoTask[Any, Any], delivery_ids: list[int]) -> int:
    """Attempt a batch of deliveries (one program's, as queued); queue again those due later."""
    result = webhook_deliveries_attempt(delivery_ids=delivery_ids)
    _queue_again(self, result)
    return len(result.outcomes)


def webhook_deliveries_queue(deliveries: Iterable[tuple[int, int]], *, on_commit: bool = True) -> None:
    """Queue ``(delivery id, program id)`` pairs: one task per program per ``BATCH_SIZE``
    deliveries, not one per delivery (``on_commit``: once the rows are committed)."""
    for batch in webhook_batches(deliveries, size=BATCH_SIZE):
        task = webhook_deliver_batch if len(batch) > 1 else webhook_deliver
        arguments = (batch,) if len(batch) > 1 else (batch[0],)
        if on_commit:
            task.delay_on_commit(*arguments)
        else:
            task.delay(*arguments)


@shared_task(bind=True, base=DjangoTask, ignore_result=True)
def webhook_deliveries_requeue(self: DjangoTask[Any, Any]) -> int:
    """Periodic: put interrupted sends back and queue overdue pending deliveries again."""
    overdue = webhook_deliveries_sweep()
    webhook_deliveries_queue(webhook_deliveries_programs(overdue), on_commit=False)
    return len(overdue)
