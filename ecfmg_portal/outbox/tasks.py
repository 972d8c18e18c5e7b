"""The beat job that empties the outbox once the broker is reachable again."""

from __future__ import annotations

from celery import shared_task

from .services import outbox_resend


@shared_task(ignore_result=True)
def outbox_resend_task() -> int:
    sent, _ = outbox_resend()
    return sent
