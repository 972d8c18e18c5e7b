"""Payments: starting a checkout, applying provider events exactly once, and
entries recorded by staff. Every write goes through ``ledger_post`` (R-PAY-1),
which announces the change so certification is re-evaluated (R-PAY-2)."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext

from applicants.models import Applicant, LedgerEntry
from applicants.services.ledger import ledger_balance, ledger_post
from ecfmg_portal.audit.services import audit_record
from ecfmg_portal.errors import Conflict, DomainError, NotFound
from ecfmg_portal.formatting import format_money

from .models import Checkout, OverpaymentRefund, ProviderEvent
from .providers import (
    PaymentEvent,
    PaymentProvider,
    RefundFailed,
    SandboxProvider,
    WebhookRejected,
    WebhookRequest,
    payment_provider,
)

logger = logging.getLogger(__name__)

STAFF_KINDS = (LedgerEntry.Kind.PAYMENT, LedgerEntry.Kind.REFUND, LedgerEntry.Kind.ADJUSTMENT)


def payment_amount_validate(*, applicant: Applicant, amount: Decimal) -> Decimal:
    """An amount the applicant may pay now: whole cents, more than zero, at most the balance."""
    balance = ledger_balance(applicant=applicant)
    if balance <= 0:
        raise DomainError("nothing_owed", gettext("You have no outstanding balance to pay."), field="amount")
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise DomainError("invalid_amount", gettext("Enter an amount in dollars and cents."), field="amount")
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError(
            "invalid_amount", gettext("Enter the amount in whole cents, e.g. 125.50."), field="amount"
        )
    if amount <= 0:
        raise DomainError("invalid_amount", gettext("Enter an amount greater than zero."), field="amount")
    if amount > balance:
        raise DomainError(
            "amount_above_balance",
            gettext("You can pay at most your outstanding balance, %(balance)s.")
            % {"balance": format_money(balance)},
            field="amount",
        )
    return amount.quantize(Decimal("0.01"))


def payment_checkout_start(
    *, applicant: Applicant, amount: Decimal, provider: PaymentProvider | None = None
) -> str:
    """Validate the amount and open a checkout with the provider; returns where to send
    the applicant. The ledger changes only when the provider's webhook confirms the
    payment. An applicant has at most one open checkout: the one opened before (in
    another tab, say) is expired with the provider first, so it can no longer be paid."""
    provider = provider or payment_provider()
    with transaction.atomic():
        # One checkout start at a time per applicant (two tabs clicking together).
        Applicant.objects.select_for_update().filter(pk=applicant.pk).values_list("pk").first()
        amount = payment_amount_validate(applicant=applicant, amount=amount)
        for old in Checkout.objects.filter(applicant=applicant, status=Checkout.Status.OPEN):
            if old.provider == provider.name:
                provider.expire_checkout(old.session_id)
            Checkout.objects.filter(pk=old.pk, status=Checkout.Status.OPEN).update(
                status=Checkout.Status.CLOSED, closed_at=timezone.now()
            )
        started = provider.start_checkout(applicant, amount)
        try:
            Checkout.objects.create(
                applicant=applicant, provider=provider.name, session_id=started.session_id, amount=amount
            )
        except IntegrityError:
            # Another start won the race (SQLite has no row lock): keep theirs, close ours;
            # the transaction rolls back with the Conflict.
            provider.expire_checkout(started.session_id)
            raise Conflict(
                "checkout_in_progress", "A payment was just started in another window; use that one."
            ) from None
    logger.info("checkout started: applicant=%s provider=%s", applicant.pk, provider.name)
    return started.url


def _overpayment_refund_create(*, applicant: Applicant, payment: LedgerEntry, event: PaymentEvent) -> None:
    """Called under the applicant's row lock right after a payment is posted: the part
    of it that took the balance below zero, less refunds already on their way, goes
    back through the provider (queued on commit)."""
    balance = ledger_balance(applicant=applicant)
    if balance >= 0:
        return
    on_the_way = OverpaymentRefund.objects.filter(applicant=applicant, refund_entry__isnull=True).aggregate(
        total=Sum("amount")
    )["total"] or Decimal("0")
    over = min(-(balance + on_the_way), -payment.amount)
    if over <= 0:
        return
    refund = OverpaymentRefund.objects.create(
        payment=payment,
        applicant=applicant,
        provider=event.provider,
        provider_payment_id=event.payment_id or event.session_id or "",
        amount=over,
    )
    audit_record(
        action="payment.overpayment_refund_queued",
        obj=refund,
        after={"payment": payment.pk, "amount": str(over)},
    )
    logger.info("overpayment refund %s queued: applicant=%s", refund.pk, applicant.pk)
    from .tasks import send_overpayment_refund  # the tasks module imports this one

    send_overpayment_refund.delay_on_commit(refund.pk)


def payment_event_apply(*, event: PaymentEvent) -> tuple[ProviderEvent, bool]:
    """Apply one verified provider event. Idempotent: the (provider, event id) row is
    unique, and the payment's ledger reference is unique too, so a replayed, retried
    or concurrent delivery returns the first record and ``False`` and writes nothing.
    A payment over the balance is recorded, then refunded (``OverpaymentRefund``)."""
    existing = ProviderEvent.objects.filter(provider=event.provider, event_id=event.event_id).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            applicant = None
            entry = None
            outcome = ProviderEvent.Outcome.IGNORED
            if event.is_payment and event.applicant_id is not None:
                # Locked: payments of one applicant are applied one after the other, so
                # each sees the balance the one before left.
                applicant = Applicant.objects.select_for_update().filter(pk=event.applicant_id).first()
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
                    if created:
                        if event.session_id:
                            Checkout.objects.filter(
                                provider=event.provider, session_id=event.session_id
                            ).update(status=Checkout.Status.PAID, closed_at=timezone.now())
                        _overpayment_refund_create(applicant=applicant, payment=entry, event=event)
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


def overpayment_refund_send(*, refund_id: int) -> OverpaymentRefund | None:
    """Refund an overpayment through its provider, then write the ledger's refund entry
    (which e-mails the applicant a receipt). Safe to run twice, even at once: the
    provider call carries the row's idempotency key, and the entry's reference is
    unique. ``RefundFailed`` with ``transient`` is raised for the task to retry; a
    refusal marks the row failed for finance staff."""
    refund = OverpaymentRefund.objects.filter(pk=refund_id, status=OverpaymentRefund.Status.PENDING).first()
    if refund is None:
        return None
    OverpaymentRefund.objects.filter(pk=refund.pk).update(attempts=F("attempts") + 1)
    try:
        provider_refund_id = payment_provider(refund.provider).refund(
            payment_id=refund.provider_payment_id,
            amount=refund.amount,
            idempotency_key=refund.idempotency_key,
        )
    except RefundFailed as error:
        OverpaymentRefund.objects.filter(pk=refund.pk).update(last_error=error.message[:300])
        if error.transient:
            raise
        with transaction.atomic():
            OverpaymentRefund.objects.filter(pk=refund.pk).update(status=OverpaymentRefund.Status.FAILED)
            audit_record(
                action="payment.overpayment_refund_failed", obj=refund, after={"error": error.message}
            )
        logger.warning("overpayment refund %s refused by the provider", refund.pk)
        return refund
    with transaction.atomic():
        locked = OverpaymentRefund.objects.select_for_update().get(pk=refund.pk)
        if locked.status != OverpaymentRefund.Status.PENDING:
            return locked
        entry, _ = ledger_post(
            applicant=locked.applicant,
            kind=LedgerEntry.Kind.REFUND,
            amount=locked.amount,
            description=f"Refund of the amount paid over your balance ({locked.provider})",
            reference=f"{locked.provider}:refund:{locked.pk}",
        )
        locked.status = OverpaymentRefund.Status.DONE
        locked.provider_refund_id = provider_refund_id[:255]
        locked.refund_entry = entry
        locked.done_at = timezone.now()
        locked.last_error = ""
        locked.save(update_fields=["status", "provider_refund_id", "refund_entry", "done_at", "last_error"])
    logger.info("overpayment refund %s done", refund.pk)
    return locked


def overpayment_refunds_pending() -> list[int]:
    """Refunds still waiting for the provider (e.g. its queued task was lost): for the sweep."""
    return list(
        OverpaymentRefund.objects.filter(status=OverpaymentRefund.Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )


def payment_webhook_receive(
    *, provider: PaymentProvider, request: WebhookRequest
) -> tuple[ProviderEvent, bool]:
    """Verify a delivery with its provider, then apply it once. The one path every
    provider's events take, the sandbox's included."""
    event = provider.parse_webhook(request)
    return payment_event_apply(event=event)


def payment_sandbox_checkout(*, applicant: Applicant, token: str) -> tuple[str, Decimal]:
    """The sandbox checkout behind ``token``, if it is this applicant's and still open:
    (session id, amount). One expired by a newer checkout can no longer be paid, as
    with Stripe."""
    session_id, applicant_id, amount = _sandbox().read_checkout(token)
    if applicant_id != applicant.pk:
        raise NotFound()
    checkout = Checkout.objects.filter(provider=SandboxProvider.name, session_id=session_id).first()
    if checkout is None or checkout.status == Checkout.Status.CLOSED:
        raise WebhookRejected(
            "checkout_expired",
            "This payment page has expired: a newer payment was started (in another window, perhaps). "
            "Nothing was charged here.",
        )
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
