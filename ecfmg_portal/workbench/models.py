"""A reviewer's claim on one item of a queue, so two reviewers never work the same item."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Claim(models.Model):
    """``(queue, object_id)`` is unique: one holder at a time. A claim past
    ``expires_at`` is free for anyone to take over with a conditional UPDATE."""

    queue = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    claimed_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["queue", "object_id"], name="one_claim_per_item")]

    def __str__(self) -> str:
        return f"{self.queue} #{self.object_id}"
