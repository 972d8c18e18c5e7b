"""One retry policy for every e-mail task (school verification, applicant notifications).

The outbox services claim a row, send, and say what happened; this turns their
answer into Celery's: transient mail errors retry with exponential backoff (30 s,
60 s, 2 min ... capped at one hour) and give up after ``MAX_TRANSIENT_RETRIES``,
recording the failure for staff; a row another worker holds is looked at again
when its claim would go stale.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MAX_TRANSIENT_RETRIES = 8


class TransientEmailError(Exception):
    """The mail server could not take the message now; the task retries with backoff."""


class Delivery(enum.Enum):
    """What one delivery attempt of an outbox row came to."""

    SENT = "sent"
    NOTHING_TO_DO = "nothing_to_do"  # already sent, failed or skipped
    BUSY = "busy"  # another worker holds a fresh claim
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True)
class DeliveryResult:
    outcome: Delivery
    retry_in: float | None = None


def deliver_with_retries(
    task: Any,
    *,
    deliver: Callable[[], DeliveryResult],
    give_up: Callable[[str], object],
) -> str:
    """Run ``deliver`` inside a bound Celery ``task``; return the outcome's value."""
    try:
        result = deliver()
    except TransientEmailError as exc:
        if task.request.retries >= MAX_TRANSIENT_RETRIES:
            give_up(f"gave up after retries: {exc}")
            return Delivery.FAILED.value
        raise task.retry(countdown=min(30 * 2**task.request.retries, 3600), exc=exc) from exc
    if result.outcome is Delivery.BUSY and result.retry_in is not None:
        # Another worker claimed it; if that worker died, the claim goes stale and we take over.
        raise task.retry(countdown=result.retry_in)
    return str(result.outcome.value)
