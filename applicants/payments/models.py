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


class Checkout(models.Model):
    """A checkout opened with the provider for an applicant.

    At most one is open per applicant (a database constraint): opening a new one
    expires the old one with the provider first, so two tabs cannot both pay the
    same balance. A payment that still arrives over the balance (the old checkout
    was paid a moment before it was expired) is refunded (``OverpaymentRefund``).
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Expired (a newer checkout replaced it)"
        PAID = "paid", "Paid"

    applicant = models.ForeignKey("applicants.Applicant", on_delete=models.PROTECT, related_name="checkouts")
    provider = models.CharField(max_length=20)
    session_id = models.CharField(max_length=255)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "applicants"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "session_id"], name="checkout_session_once"),
            models.UniqueConstraint(
                fields=["applicant"],
                condition=models.Q(status="open"),
                name="checkout_one_open_per_applicant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} checkout {self.session_id} ({self.status})"


class OverpaymentRefund(models.Model):
    """The refund of a payment that took the balance below zero, sent through the
    provider by a task. One per payment (the one-to-one), sent with an idempotency
    key derived from this row, so a replayed webhook or a retried task refunds once.
    The ledger's refund entry is written only once the provider has refunded."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent to the provider"
        DONE = "done", "Refunded"
        FAILED = "failed", "Refused by the provider; needs finance staff"

    payment = models.OneToOneField(
        "applicants.LedgerEntry", on_delete=models.PROTECT, related_name="overpayment_refund"
    )
    applicant = models.ForeignKey(
        "applicants.Applicant", on_delete=models.PROTECT, related_name="overpayment_refunds"
    )
    provider = models.CharField(max_length=20)
    provider_payment_id = models.CharField(max_length=255)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    provider_refund_id = models.CharField(max_length=255, blank=True)
    refund_entry = models.OneToOneField(
        "applicants.LedgerEntry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refund_of_overpayment",
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "applicants"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="overpayment_refund_positive"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="overpayment_refund_status")]

    def __str__(self) -> str:
        return f"Refund of {self.amount} ({self.status})"

    @property
    def idempotency_key(self) -> str:
        return f"ecfmg-overpayment-refund-{self.pk}"
