"""Celery tasks of applicant notifications: thin, take ids, call services.

Routed to the ``email`` queue (``CELERY_TASK_ROUTES``); acks_late with
reject_on_worker_lost (settings) so a worker killed mid-task leaves its message to
be delivered again, and the claim makes the second delivery safe.
"""

from __future__ import annotations

from celery import shared_task
from celery.contrib.django.task import DjangoTask

from applicants.notifications.delivery import (
    Delivery,
    TransientEmailError,
    applicant_notification_deliver,
    applicant_notification_fail,
    applicant_notifications_stuck,
)

MAX_TRANSIENT_RETRIES = 8


@shared_task(base=DjangoTask, bind=True, acks_late=True, max_retries=None)
def send_applicant_notification(self: DjangoTask, notification_id: int) -> str:
    """Deliver one notification; retry transient mail errors with exponential backoff."""
    try:
        result = applicant_notification_deliver(notification_id=notification_id)
    except TransientEmailError as exc:
        if self.request.retries >= MAX_TRANSIENT_RETRIES:
            applicant_notification_fail(
                notification_id=notification_id, error=f"gave up after retries: {exc}"
            )
            return Delivery.FAILED.value
        # 30 s, 60 s, 2 min ... capped at one hour.
        raise self.retry(countdown=min(30 * 2**self.request.retries, 3600), exc=exc) from exc
    if result.outcome is Delivery.BUSY and result.retry_in is not None:
        # Another worker claimed it; if that worker died, the claim goes stale and we take over.
        raise self.retry(countdown=result.retry_in)
    return result.outcome.value


@shared_task(base=DjangoTask, acks_late=True)
def applicant_notifications_requeue() -> int:
    """Beat: queue again the notifications whose delivery was lost."""
    notification_ids = applicant_notifications_stuck()
    for notification_id in notification_ids:
        send_applicant_notification.delay_on_commit(notification_id)
    return len(notification_ids)
