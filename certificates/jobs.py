"""Certificate work handed to the worker, queued on commit by task name.

``services`` queue work here and ``tasks`` call ``services``; going through the
Celery registry by name (the names the tasks are declared with, and that
CELERY_TASK_ROUTES routes) keeps the import graph one-way: tasks -> services ->
jobs. Nothing here imports the rest of the app.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from celery import current_app
from django.db import transaction

RENDER_PDF = "certificates.tasks.render_certificate_pdf"
SEND_ISSUED_EMAIL = "certificates.tasks.send_certificate_issued_email"


def queue_on_commit(task_name: str, *args: Any, **kwargs: Any) -> None:
    """Queue the task once the surrounding transaction commits (never for a rollback).
    The registered task object is used, so eager mode and the task's own options apply."""
    task = current_app.tasks[task_name]
    transaction.on_commit(partial(task.delay, *args, **kwargs))
