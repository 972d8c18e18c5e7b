"""A Celery app whose ``send_task`` never loses a task to a broker outage.

Every ``delay``/``apply_async``/``delay_on_commit`` ends in ``Celery.send_task``.
When the broker refuses the connection (kombu ``OperationalError``), the task is
written to ``outbox.PendingTask`` instead and the caller carries on; the beat job
``ecfmg_portal.outbox.tasks.outbox_resend`` (or ``manage.py outbox_resend``)
sends it once the broker is back, with the same task id. Eager mode (tests,
``make run`` without Redis) never reaches the broker and is unaffected.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Celery
from celery.result import AsyncResult
from celery.utils import uuid
from django.apps import apps
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)
# Options that are plain JSON and mean the same thing when the task is sent later.
KEPT_OPTIONS = ("queue", "routing_key", "priority", "expires", "countdown", "headers")


class OutboxCelery(Celery):
    def send_task(  # type: ignore[override]  # same call, options passed through
        self, name: str, args: Any = None, kwargs: Any = None, **options: Any
    ) -> AsyncResult:
        try:
            return super().send_task(name, args, kwargs, **options)
        except OperationalError as error:
            return self._keep_for_later(name, args, kwargs, options, error)

    def send_task_now(self, name: str, args: Any = None, kwargs: Any = None, **options: Any) -> AsyncResult:
        """Send, letting a broker error propagate (used by the re-sender itself)."""
        return super().send_task(name, args, kwargs, **options)

    def _keep_for_later(
        self, name: str, args: Any, kwargs: Any, options: dict[str, Any], error: Exception
    ) -> AsyncResult:
        pending_task = apps.get_model("outbox", "PendingTask")
        task_id = options.get("task_id") or uuid()
        kept = {k: options[k] for k in KEPT_OPTIONS if options.get(k) is not None}
        pending_task.objects.get_or_create(
            task_id=task_id,
            defaults={
                "name": name,
                "args": list(args or ()),
                "kwargs": dict(kwargs or {}),
                "options": kept,
                "last_error": f"{error.__class__.__name__}: {error}"[:300],
            },
        )
        logger.warning("broker unavailable: task %s %s kept in the outbox", name, task_id)
        return self.AsyncResult(task_id)
