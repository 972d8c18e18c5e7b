"""The append-only, hash-chained audit trail.

Each entry stores an HMAC-SHA256 (keyed by ``AUDIT_HMAC_KEY``, kept outside the
database) of every one of its fields plus the previous entry's hash, so an edited,
deleted, reordered or forged entry breaks the chain
(``manage.py verify_audit_log``). Entries hold identifiers and changed field
names/values of business state; personal data is referenced by id, not copied.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

# How an entry's link is computed. Entries written before the chain was keyed keep the
# plain SHA-256 they were written with (they cannot be rewritten: append-only).
SCHEME_SHA256 = "sha256"
SCHEME_HMAC = "hmac-sha256"


class AppendOnlyQuerySet(models.QuerySet["AuditEntry"]):
    """Bulk ``update()``/``delete()`` would bypass ``save``/``delete``: refuse them too.

    On PostgreSQL a trigger (migration 0002) refuses UPDATE and DELETE from any
    client; the hash chain catches whatever gets past both.
    """

    def update(self, **kwargs: Any) -> int:
        raise ValueError("Audit entries are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValueError("Audit entries are append-only.")


class AuditEntry(models.Model):
    sequence = models.PositiveBigIntegerField(unique=True, editable=False)
    at = models.DateTimeField(editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True, editable=False)
    action = models.CharField(max_length=100, editable=False)
    object_type = models.CharField(max_length=100, editable=False)
    object_id = models.CharField(max_length=64, editable=False)
    before = models.JSONField(default=dict, editable=False)
    after = models.JSONField(default=dict, editable=False)
    previous_hash = models.CharField(max_length=64, editable=False)
    entry_hash = models.CharField(max_length=64, unique=True, editable=False)
    scheme = models.CharField(max_length=20, default=SCHEME_SHA256, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("Audit entries are append-only.")
