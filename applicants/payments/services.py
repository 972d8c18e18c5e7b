"""Payments: starting a checkout, applying provider events exactly once, and
entries recorded by staff. Every write goes through ``ledger_post`` (R-PAY-1),
which announces the change so certification is re-evaluated (R-PAY-2)."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from applicants.models import Applicant, LedgerEntry
from applicants.services.ledger import ledger_balance, ledger_post
from ecfmg_portal.audit.services import audit_record
from ecfmg_portal.errors import DomainError, NotFound

from .models import ProviderEvent
from .providers import PaymentEvent, PaymentProvider, SandboxProvider, WebhookRequest, payment_provider

logger = logging.getLogger(__name__)

STAFF_KINDS = (LedgerEntry.Kind.PAYMENT, LedgerEntry.Kind.REFUND, LedgerEntry.Kind.ADJUSTMENT)


def payment_amount_validate(*, applicant: Applicant, amount: Decimal) -> Decimal:
    """An amount the applicant may pay now: whole cents, more than zero, at most the balance."""
    balance = ledger_balance(applicant=applicant)
    if balance <= 0:
        raise DomainError("nothing_owed", "You have no outstanding balance to pay.", field="amount")
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise DomainError("invalid_amount", "Enter an amount in dollars and cents.", field="amount")
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError("invalid_amount", "Enter the amount in whole cents, e.g. 125.50.", field="amount")
    if amount <= 0:
        raise DomainError("invalid_amount", "Enter an amount greater than zero.", field="amount")
    if amount > balance:
        raise DomainError(
            "amount_above_balance",
            f"You can pay at most your outstanding balance, ${balance:,.2f}.",
            field="amount",
        )
    return amount.quantize(Decimal("0.01"))


def payment_checkout_start(
    *, applicant: Applicant, amount: Decimal, provider: PaymentProvider | None = None
) -> str:
    """Validate the amount and open a checkout with the provider; returns where to send
    the applicant. Nothing is written: the ledger changes only when the provider's
    webhook confirms the payment."""
    amount = payment_amount_validate(applicant=applicant, amount=amount)
    provider = provider or payment_provider()
    url = provider.start_checkout(applicant, amount)
    logger.info("checkout started: applicant=%s provider=%s", applicant.pk, provider.name)
    return url


def payment_event_apply(*, event: PaymentEvent) -> tuple[ProviderEvent, bool]:
    """Apply one verified provider event. Idempotent: the (provider, event id) row is
    unique, and the payment's ledger reference is unique too, so a replayed, retried
    or concurrent delivery returns the first record and ``False`` and writes nothing."""
    existing = ProviderEvent.objects.filter(provider=event.provider, event_id=event.event_id).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            applicant = None
            entry = None
            outcome = ProviderEvent.Outcome.IGNORED
            if event.is_payment and event.applicant_id is not None:
                applicant = Applicant.objects.filter(pk=event.applicant_id).first()
                outcome = ProviderEvent.Outcome.UNMATCHED
                if applicant is not None and event.amount is not None:
                    entry, created = ledger_post(
                        applicant=applicant,
                        kind=LedgerEntry.Kind.PAYMENT,
                        amount=event.amount,
                        description=f"Online payment ({event.provider})",
                        reference=event.reference,
                    )
                    outcome = ProviderEvent.Outcome.APPLIED if created else ProviderEvent.Outcome.ALREADY
                else:
                    logger.warning("payment event %s names no known applicant", event.event_id)
            record = ProviderEvent.objects.create(
                provider=event.provider,
                event_id=event.event_id,
                event_type=event.event_type,
                outcome=outcome,
                applicant=applicant,
                amount=event.amount,
                ledger_entry=entry,
            )
            audit_record(
                action="payment.provider_event",
                obj=record,
                after={"provider": event.provider, "event_id": event.event_id, "outcome": outcome},
            )
    except IntegrityError:
        # A concurrent delivery of the same event won the unique row; its work stands.
        winner = ProviderEvent.objects.filter(provider=event.provider, event_id=event.event_id).first()
        if winner is None:
            raise
        return winner, False
    return record, True


def payment_webhook_receive(
    *, provider: PaymentProvider, request: WebhookRequest
) -> tuple[ProviderEvent, bool]:
    """Verify a delivery with its provider, then apply it once. The one path every
    provider's events take, the sandbox's included."""
    event = provider.parse_webhook(request)
    return payment_event_apply(event=event)


def payment_sandbox_checkout(*, applicant: Applicant, token: str) -> tuple[str, Decimal]:
    """The sandbox checkout behind ``token``, if it is this applicant's: (session id, amount)."""
    session_id, applicant_id, amount = _sandbox().read_checkout(token)
    if applicant_id != applicant.pk:
        raise NotFound()
    return session_id, amount


def payment_sandbox_confirm(*, applicant: Applicant, token: str) -> tuple[ProviderEvent, bool]:
    """The applicant confirmed a sandbox checkout: the sandbox signs the webhook a
    provider would send and delivers it through ``payment_webhook_receive``.
    Confirming twice is one event, applied once."""
    sandbox = _sandbox()
    session_id, amount = payment_sandbox_checkout(applicant=applicant, token=token)
    delivery = sandbox.completed_delivery(session_id=session_id, applicant_id=applicant.pk, amount=amount)
    return payment_webhook_receive(provider=sandbox, request=delivery)


def _sandbox() -> SandboxProvider:
    provider = payment_provider()
    if not isinstance(provider, SandboxProvider):
        raise NotFound()
    return provider


def ledger_record_by_staff(
    *,
    applicant: Applicant,
    kind: str,
    amount: Decimal,
    description: str,
    actor: Any,
    reference: str | None = None,
) -> LedgerEntry:
    """A payment received outside the portal, a refund, or an adjustment, recorded by
    finance staff. ``amount`` is positive except for an adjustment, whose sign says
    which way it goes (negative = credit). ``reference`` (e.g. the admin form's
    one-time token) makes a double submission record one entry."""
    if actor is None or not actor.has_perm("applicants.add_ledgerentry"):
        raise DomainError("forbidden", "Only finance staff may record ledger entries.")
    if kind not in STAFF_KINDS:
        raise DomainError("invalid_kind", "Choose a payment, a refund or an adjustment.", field="kind")
    description = description.strip()
    if not description:
        raise DomainError("description_required", "Say what this entry is for.", field="description")
    entry, _ = ledger_post(
        applicant=applicant,
        kind=kind,
        amount=amount,
        description=description,
        reference=reference,
        actor=actor,
    )
    return entry
