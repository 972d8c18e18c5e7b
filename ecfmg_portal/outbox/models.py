"""A task the broker could not take, waiting to be sent again."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class PendingTask(models.Model):
    """Task name and JSON arguments (ids, never personal data: tasks take ids)."""

    task_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    options = models.JSONField(default=dict, help_text="queue, countdown... as given to send_task")
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["next_attempt_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.task_id})"
