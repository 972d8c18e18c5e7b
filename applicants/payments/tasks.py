"""Celery tasks of payments: thin, take ids, call services.

acks_late with reject_on_worker_lost (settings): a worker killed mid-refund leaves the
message to be delivered again, and the refund's idempotency key makes that safe.
"""

from __future__ import annotations

from celery import shared_task
from celery.contrib.django.task import DjangoTask

from .providers import RefundFailed
from .services import overpayment_refund_send, overpayment_refunds_pending

MAX_REFUND_RETRIES = 8


@shared_task(base=DjangoTask, bind=True, acks_late=True, max_retries=None)
def send_overpayment_refund(self: DjangoTask, refund_id: int) -> str:
    """Refund one overpayment; a provider that does not answer is tried again with backoff
    (30 s, 1 min, 2 min ... at most an hour), then left pending for the sweep."""
    try:
        refund = overpayment_refund_send(refund_id=refund_id)
    except RefundFailed as exc:
        if self.request.retries >= MAX_REFUND_RETRIES:
            return "pending"
        raise self.retry(countdown=min(30 * 2**self.request.retries, 3600), exc=exc) from exc
    return refund.status if refund is not None else "nothing_to_do"


@shared_task(base=DjangoTask, acks_late=True)
def overpayment_refunds_requeue() -> int:
    """Beat: queue again the refunds still waiting (a lost message, a provider that was down)."""
    refund_ids = overpayment_refunds_pending()
    for refund_id in refund_ids:
        send_overpayment_refund.delay_on_commit(refund_id)
    return len(refund_ids)
