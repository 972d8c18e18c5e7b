"""Celery tasks of the school verification: thin, take ids, call services.

Routed to the ``email`` queue (``CELERY_TASK_ROUTES``); acks_late with
reject_on_worker_lost (settings) so a worker killed mid-task leaves its message to
be delivered again, and the outbox claim makes the second delivery safe.
"""

from __future__ import annotations

from celery import shared_task
from celery.contrib.django.task import DjangoTask

from credentials.services.verification_emails import (
    Delivery,
    TransientEmailError,
    verification_email_deliver,
    verification_email_fail,
    verification_emails_stuck,
    verification_reminders_queue,
)

MAX_TRANSIENT_RETRIES = 8


@shared_task(base=DjangoTask, bind=True, acks_late=True, max_retries=None)
def send_verification_email(self: DjangoTask, email_id: int) -> str:
    """Deliver one outbox row; retry transient mail errors with exponential backoff."""
    try:
        result = verification_email_deliver(email_id=email_id)
    except TransientEmailError as exc:
        if self.request.retries >= MAX_TRANSIENT_RETRIES:
            verification_email_fail(email_id=email_id, error=f"gave up after retries: {exc}")
            return Delivery.FAILED.value
        # 30 s, 60 s, 2 min ... capped at one hour.
        raise self.retry(countdown=min(30 * 2**self.request.retries, 3600), exc=exc) from exc
    if result.outcome is Delivery.BUSY and result.retry_in is not None:
        # Another worker claimed it; if that worker died, the claim goes stale and we take over.
        raise self.retry(countdown=result.retry_in)
    return result.outcome.value


@shared_task(base=DjangoTask, acks_late=True)
def school_verification_reminders() -> int:
    """Beat: write the due reminders and escalations, queue one send per e-mail."""
    email_ids = verification_reminders_queue()
    for email_id in email_ids:
        send_verification_email.delay_on_commit(email_id)
    return len(email_ids)


@shared_task(base=DjangoTask, acks_late=True)
def verification_emails_requeue_stuck() -> int:
    """Beat: queue again the e-mails whose delivery was lost (safety net for the broker)."""
    email_ids = verification_emails_stuck()
    for email_id in email_ids:
        send_verification_email.delay_on_commit(email_id)
    return len(email_ids)
