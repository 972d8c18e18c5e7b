"""Re-sending what the broker could not take."""

from __future__ import annotations

import datetime

from celery import current_app
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError

from .models import PendingTask

MAX_BACKOFF = datetime.timedelta(minutes=10)


def _backoff(attempts: int) -> datetime.timedelta:
    return min(datetime.timedelta(seconds=15 * 2 ** min(attempts, 10)), MAX_BACKOFF)


def outbox_resend(*, limit: int = 500) -> tuple[int, int]:
    """Send due tasks again. Each row is claimed with a conditional update, so two
    runners never send the same one; a sent row is deleted, a failed one waits longer.
    Returns ``(sent, still_pending)``."""
    now = timezone.now()
    sent = 0
    due = list(PendingTask.objects.filter(next_attempt_at__lte=now).values_list("pk", "attempts")[:limit])
    for pk, attempts in due:
        claimed = PendingTask.objects.filter(pk=pk, attempts=attempts).update(
            attempts=F("attempts") + 1, next_attempt_at=now + _backoff(attempts + 1)
        )
        if claimed != 1:
            continue
        row = PendingTask.objects.get(pk=pk)
        options = dict(row.options)
        options.pop("countdown", None)  # its delay has passed while it waited
        sender = getattr(current_app, "send_task_now", current_app.send_task)
        try:
            sender(row.name, row.args, row.kwargs, task_id=row.task_id, **options)
        except OperationalError as error:
            PendingTask.objects.filter(pk=pk).update(last_error=f"{error.__class__.__name__}: {error}"[:300])
            break  # the broker is still down: the rest waits for the next run
        PendingTask.objects.filter(pk=pk).delete()
        sent += 1
    return sent, PendingTask.objects.count()
