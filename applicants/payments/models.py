"""Payment-provider events, part of the ``applicants`` app (imported by
``applicants.models`` so that its migrations carry them)."""

from __future__ import annotations

from typing import Any

from django.db import models


class ProviderEvent(models.Model):
    """One webhook event from a payment provider, stored the first time it arrives.

    The unique (provider, event_id) pair is what makes each event apply exactly
    once: a replayed or retried delivery finds its row and changes nothing.
    Like ledger entries, rows are never edited or deleted.
    """

    class Outcome(models.TextChoices):
        APPLIED = "applied", "Payment recorded on the ledger"
        ALREADY = "already", "Checkout already recorded by an earlier event"
        IGNORED = "ignored", "Not a payment; nothing to record"
        UNMATCHED = "unmatched", "Payment for an unknown applicant; needs staff attention"

    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=255)
    event_type = models.CharField(max_length=100)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    applicant = models.ForeignKey(
        "applicants.Applicant",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="provider_events",
    )
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    ledger_entry = models.ForeignKey(
        "applicants.LedgerEntry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="provider_events",
    )
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        app_label = "applicants"
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="provider_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_type} {self.event_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Provider events are a record of what arrived; they are never edited.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("Provider events are a record of what arrived; they are never deleted.")
