"""Payment providers behind one small interface.

A provider starts a hosted checkout for an amount, expires a checkout it opened
(so an applicant never has two that can be paid), refunds a payment, and turns a
webhook delivery into a ``PaymentEvent``, refusing anything whose signature does
not hold.
``settings.PAYMENT_PROVIDER`` picks one:

- ``stripe``: Stripe Checkout through the official library; webhooks are
  verified with ``stripe.Webhook.construct_event`` and ``STRIPE_WEBHOOK_SECRET``.
- ``sandbox``: development only. A local confirmation page stands in for the
  hosted checkout and delivers a webhook in Stripe's shape, signed the same way
  (HMAC-SHA256 of ``timestamp.payload``) with a secret derived from SECRET_KEY.
  Refused whenever ``settings.PRODUCTION`` is on.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

import stripe
from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import salted_hmac

from applicants.models import Applicant
from ecfmg_portal.errors import DomainError
from ecfmg_portal.security.json_input import UnsafeJSON, bounded_json_loads

logger = logging.getLogger(__name__)

CURRENCY = "usd"
SIGNATURE_TOLERANCE_SECONDS = 300
# Stripe event types that mean "this Checkout Session is paid". An asynchronous
# method sends ``completed`` (unpaid) first, then ``async_payment_succeeded``.
PAID_EVENT_TYPES = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
SANDBOX_SIGNATURE_HEADER = "Sandbox-Signature"
SANDBOX_CHECKOUT_SALT = "applicants.payments.sandbox-checkout"
SANDBOX_TOKEN_MAX_AGE = 60 * 60


class WebhookRejected(DomainError):
    """A delivery that is not provably from the provider, or cannot be read: 400, nothing written."""


class ProviderUnavailable(DomainError):
    """The provider is not configured, not allowed here, or not reachable."""

    status = 503


class WebhookRequest(Protocol):
    """What a provider reads from a delivery: ``django.http.HttpRequest`` fits."""

    @property
    def body(self) -> bytes: ...

    @property
    def headers(self) -> Mapping[str, str]: ...


@dataclass(frozen=True)
class SignedDelivery:
    """A webhook delivery made in-process (the sandbox confirmation page)."""

    body: bytes
    headers: Mapping[str, str]


@dataclass(frozen=True)
class PaymentEvent:
    """A verified provider event. ``amount`` and ``applicant_id`` are set only
    for a completed, paid checkout; any other event is recorded and ignored."""

    provider: str
    event_id: str
    event_type: str
    applicant_id: int | None = None
    amount: Decimal | None = None
    # The checkout this payment settles: two events for one checkout post once.
    reference: str | None = None
    session_id: str | None = None
    # What a refund of this payment names at the provider (Stripe: the PaymentIntent).
    payment_id: str | None = None

    @property
    def is_payment(self) -> bool:
        return self.amount is not None


class RefundFailed(DomainError):
    """The provider did not refund. ``transient``: worth trying again later."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__("refund_failed", message)
        self.transient = transient


@dataclass(frozen=True)
class StartedCheckout:
    session_id: str
    url: str


class PaymentProvider(Protocol):
    name: str
    label: str

    def start_checkout(self, applicant: Applicant, amount: Decimal) -> StartedCheckout:
        """Open a checkout for ``amount`` (USD): its id and the URL to send the applicant to."""
        ...

    def expire_checkout(self, session_id: str) -> None:
        """Make an open checkout unpayable. One already paid or expired is left as it is
        (a payment it took still arrives by webhook and is refunded if over the balance)."""
        ...

    def refund(self, *, payment_id: str, amount: Decimal, idempotency_key: str) -> str:
        """Refund ``amount`` of a payment; the provider's refund id. The same
        ``idempotency_key`` never refunds twice. Raises ``RefundFailed``."""
        ...

    def parse_webhook(self, request: WebhookRequest) -> PaymentEvent:
        """Verify and read one delivery; raise ``WebhookRejected`` when it does not hold."""
        ...


def _cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def _event_from_payload(provider: str, payload: Any) -> PaymentEvent:
    """Read an event in Stripe's JSON shape (the sandbox sends the same shape)."""
    try:
        event_id = str(payload["id"])
        event_type = str(payload["type"])
        session = payload["data"]["object"]
    except (KeyError, TypeError) as exc:
        raise WebhookRejected("webhook_malformed", "The event is not in the expected shape.") from exc
    if not event_id or event_type not in PAID_EVENT_TYPES or session.get("payment_status") != "paid":
        return PaymentEvent(provider=provider, event_id=event_id, event_type=event_type)
    metadata = session.get("metadata") or {}
    raw_applicant = metadata.get("applicant_id") or session.get("client_reference_id")
    try:
        applicant_id = int(raw_applicant)
        amount = Decimal(int(session["amount_total"])) / 100
        session_id = str(session["id"])
    except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
        raise WebhookRejected(
            "webhook_malformed", "The paid checkout lacks its amount or applicant."
        ) from exc
    if str(session.get("currency", "")).lower() != CURRENCY or amount <= 0:
        # Signed, so it is the provider's word; but not something this ledger can hold.
        logger.warning("payment event %s ignored: currency or amount not usable", event_id)
        return PaymentEvent(provider=provider, event_id=event_id, event_type=event_type)
    return PaymentEvent(
        provider=provider,
        event_id=event_id,
        event_type=event_type,
        applicant_id=applicant_id,
        amount=amount.quantize(Decimal("0.01")),
        reference=f"{provider}:{session_id}",
        session_id=session_id,
        payment_id=str(session.get("payment_intent") or session_id),
    )


def _load_json(body: bytes) -> Any:
    try:
        return bounded_json_loads(body)  # also refuses nesting that would be a RecursionError
    except UnsafeJSON as exc:
        raise WebhookRejected("webhook_malformed", "The event is not valid JSON.") from exc


def _ledger_url(outcome: str) -> str:
    return f"{settings.SITE_URL}{reverse('ledger')}?checkout={outcome}"


class StripeProvider:
    name = "stripe"
    label = "Stripe"

    def __init__(self) -> None:
        if not settings.STRIPE_SECRET_KEY or not settings.STRIPE_WEBHOOK_SECRET:
            raise ProviderUnavailable(
                "provider_not_configured",
                "Online payment is not available right now; please try again later.",
            )

    def start_checkout(self, applicant: Applicant, amount: Decimal) -> StartedCheckout:
        try:
            session = stripe.checkout.Session.create(
                api_key=settings.STRIPE_SECRET_KEY,
                mode="payment",
                line_items=[
                    {
                        "quantity": 1,
                        "price_data": {
                            "currency": CURRENCY,
                            "unit_amount": _cents(amount),
                            "product_data": {"name": "ECFMG fees"},
                        },
                    }
                ],
                client_reference_id=str(applicant.pk),
                metadata={"applicant_id": str(applicant.pk)},
                success_url=_ledger_url("done"),
                cancel_url=_ledger_url("cancelled"),
            )
        except stripe.StripeError as exc:
            logger.warning("Stripe Checkout Session not created: %s", type(exc).__name__)
            raise ProviderUnavailable(
                "provider_unreachable",
                "The payment service did not answer; nothing was charged. Please try again in a few minutes.",
            ) from exc
        if not session.url:
            raise ProviderUnavailable("provider_unreachable", "The payment service gave no checkout page.")
        return StartedCheckout(session_id=str(session.id), url=str(session.url))

    def expire_checkout(self, session_id: str) -> None:
        try:
            stripe.checkout.Session.expire(session_id, api_key=settings.STRIPE_SECRET_KEY)
        except stripe.InvalidRequestError:
            # Not open any more (paid or expired already): nothing left to close.
            logger.info("Stripe Checkout Session already closed when expiring it")
        except stripe.StripeError as exc:
            logger.warning("Stripe Checkout Session not expired: %s", type(exc).__name__)
            raise ProviderUnavailable(
                "provider_unreachable",
                "The payment service did not answer; nothing was charged. Please try again in a few minutes.",
            ) from exc

    def refund(self, *, payment_id: str, amount: Decimal, idempotency_key: str) -> str:
        try:
            refund = stripe.Refund.create(
                api_key=settings.STRIPE_SECRET_KEY,
                payment_intent=payment_id,
                amount=_cents(amount),
                reason="duplicate",
                idempotency_key=idempotency_key,
            )
        except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as exc:
            raise RefundFailed(f"Stripe did not answer ({type(exc).__name__})", transient=True) from exc
        except stripe.StripeError as exc:
            raise RefundFailed(f"Stripe refused the refund ({type(exc).__name__})", transient=False) from exc
        return str(refund.id)

    def parse_webhook(self, request: WebhookRequest) -> PaymentEvent:
        try:
            stripe.Webhook.construct_event(
                request.body,
                request.headers.get("Stripe-Signature"),
                settings.STRIPE_WEBHOOK_SECRET,
                tolerance=SIGNATURE_TOLERANCE_SECONDS,
            )
        except (ValueError, stripe.SignatureVerificationError) as exc:
            raise WebhookRejected("webhook_signature", "The webhook signature does not match.") from exc
        # Verified: read the plain JSON rather than the library's object wrapper.
        return _event_from_payload(self.name, _load_json(request.body))


def sandbox_secret() -> str:
    """The sandbox's webhook secret: derived from SECRET_KEY, never configured separately."""
    return salted_hmac("applicants.payments.sandbox-webhook", "secret", algorithm="sha256").hexdigest()


def sandbox_signature_header(payload: bytes, *, secret: str, timestamp: int | None = None) -> str:
    """``t=<unix time>,v1=<HMAC-SHA256 of "t.payload">``: Stripe's scheme."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class SandboxProvider:
    name = "sandbox"
    label = "the development sandbox (no real money moves)"

    def __init__(self) -> None:
        if settings.PRODUCTION:
            raise ProviderUnavailable(
                "sandbox_refused", "The sandbox payment provider is refused when production settings are on."
            )

    def start_checkout(self, applicant: Applicant, amount: Decimal) -> StartedCheckout:
        session_id = f"sbcs_{secrets.token_hex(12)}"
        token = signing.dumps(
            {"s": session_id, "a": applicant.pk, "c": _cents(amount)}, salt=SANDBOX_CHECKOUT_SALT
        )
        return StartedCheckout(
            session_id=session_id, url=reverse("payment_sandbox_checkout", kwargs={"token": token})
        )

    def expire_checkout(self, session_id: str) -> None:
        # The sandbox keeps no state of its own: its confirmation page pays only a
        # checkout whose ``Checkout`` row is still open (``payment_sandbox_checkout``).
        logger.info("sandbox checkout expired")

    def refund(self, *, payment_id: str, amount: Decimal, idempotency_key: str) -> str:
        # No money moved, so none moves back; the id is stable per key, as Stripe's is.
        return "sbre_" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:24]

    def read_checkout(self, token: str) -> tuple[str, int, Decimal]:
        """(session id, applicant id, amount) of a checkout this sandbox opened."""
        try:
            data = signing.loads(token, salt=SANDBOX_CHECKOUT_SALT, max_age=SANDBOX_TOKEN_MAX_AGE)
            return str(data["s"]), int(data["a"]), Decimal(int(data["c"])) / 100
        except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
            raise WebhookRejected(
                "checkout_expired", "This payment page has expired; start the payment again."
            ) from exc

    def completed_delivery(self, *, session_id: str, applicant_id: int, amount: Decimal) -> SignedDelivery:
        """The webhook the sandbox "provider" sends when the applicant confirms."""
        body = json.dumps(
            {
                "id": f"evt_{session_id}",
                "type": "checkout.session.completed",
                "data": {
                    "object": {
                        "id": session_id,
                        "payment_status": "paid",
                        "amount_total": _cents(amount),
                        "currency": CURRENCY,
                        "client_reference_id": str(applicant_id),
                        "metadata": {"applicant_id": str(applicant_id)},
                    }
                },
            },
            separators=(",", ":"),
        ).encode()
        header = sandbox_signature_header(body, secret=sandbox_secret())
        return SignedDelivery(body=body, headers={SANDBOX_SIGNATURE_HEADER: header})

    def parse_webhook(self, request: WebhookRequest) -> PaymentEvent:
        header = request.headers.get(SANDBOX_SIGNATURE_HEADER) or ""
        parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
        try:
            timestamp = int(parts.get("t", ""))
        except ValueError as exc:
            raise WebhookRejected("webhook_signature", "The webhook signature does not match.") from exc
        expected = sandbox_signature_header(request.body, secret=sandbox_secret(), timestamp=timestamp)
        if not hmac.compare_digest(expected, f"t={timestamp},v1={parts.get('v1', '')}"):
            raise WebhookRejected("webhook_signature", "The webhook signature does not match.")
        if abs(time.time() - timestamp) > SIGNATURE_TOLERANCE_SECONDS:
            raise WebhookRejected("webhook_signature", "The webhook signature has expired.")
        return _event_from_payload(self.name, _load_json(request.body))


PROVIDERS: dict[str, type[StripeProvider] | type[SandboxProvider]] = {
    StripeProvider.name: StripeProvider,
    SandboxProvider.name: SandboxProvider,
}


def payment_provider(name: str | None = None) -> PaymentProvider:
    """The configured provider (or ``name``, which must be the configured one).

    Raises ``ProviderUnavailable`` for any other name, for the sandbox under
    production settings, and for Stripe without its keys.
    """
    configured = settings.PAYMENT_PROVIDER
    if name is not None and name != configured:
        raise ProviderUnavailable("provider_unknown", "No such payment provider here.")
    provider_class = PROVIDERS.get(configured)
    if provider_class is None:
        raise ProviderUnavailable("provider_unknown", "No such payment provider here.")
    return provider_class()
