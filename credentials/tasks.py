"""Celery tasks of the school verification: thin, take ids, call services.

Routed to the ``email`` queue (``CELERY_TASK_ROUTES``); acks_late with
reject_on_worker_lost (settings) so a worker killed mid-task leaves its message to
be delivered again, and the outbox claim makes the second delivery safe.
"""

from __future__ import annotations

from celery import shared_task
from celery.contrib.django.task import DjangoTask

from credentials.services.verification_emails import (
    verification_email_deliver,
    verification_email_fail,
    verification_emails_stuck,
    verification_reminders_queue,
)
from ecfmg_portal.mail_retry import MAX_TRANSIENT_RETRIES, deliver_with_retries

__all__ = ["MAX_TRANSIENT_RETRIES", "send_verification_email"]


@shared_task(base=DjangoTask, bind=True, acks_late=True, max_retries=None)
def send_verification_email(self: DjangoTask, email_id: int) -> str:
    """Deliver one outbox row; transient mail errors retry with backoff (``mail_retry``)."""
    return deliver_with_retries(
        self,
        deliver=lambda: verification_email_deliver(email_id=email_id),
        give_up=lambda error: verification_email_fail(email_id=email_id, error=error),
    )


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


@shared_task(base=DjangoTask, acks_late=True)
def document_drafts_expire() -> int:
    """Beat: multi-page previews left unsent for a day go, with their files."""
    from credentials.services.document_drafts import document_drafts_expire as expire

    return expire()
