"""Celery tasks of applicant notifications: thin, take ids, call services.

Routed to the ``email`` queue (``CELERY_TASK_ROUTES``); acks_late with
reject_on_worker_lost (settings) so a worker killed mid-task leaves its message to
be delivered again, and the claim makes the second delivery safe.
"""

from __future__ import annotations

from celery import shared_task
from celery.contrib.django.task import DjangoTask

from applicants.notifications.delivery import (
    applicant_notification_deliver,
    applicant_notification_fail,
    applicant_notifications_stuck,
)
from ecfmg_portal.mail_retry import MAX_TRANSIENT_RETRIES, deliver_with_retries

__all__ = ["MAX_TRANSIENT_RETRIES", "send_applicant_notification"]


@shared_task(base=DjangoTask, bind=True, acks_late=True, max_retries=None)
def send_applicant_notification(self: DjangoTask, notification_id: int) -> str:
    """Deliver one notification; transient mail errors retry with backoff (``mail_retry``)."""
    return deliver_with_retries(
        self,
        deliver=lambda: applicant_notification_deliver(notification_id=notification_id),
        give_up=lambda error: applicant_notification_fail(notification_id=notification_id, error=error),
    )


@shared_task(base=DjangoTask, acks_late=True)
def applicant_notifications_requeue() -> int:
    """Beat: queue again the notifications whose delivery was lost."""
    notification_ids = applicant_notifications_stuck()
    for notification_id in notification_ids:
        send_applicant_notification.delay_on_commit(notification_id)
    return len(notification_ids)
