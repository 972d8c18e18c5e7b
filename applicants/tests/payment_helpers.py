"""Helpers shared by the payment tests: signed webhook bodies, no network."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from decimal import Decimal
from typing import Any

from applicants.models import Applicant
from applicants.services.ledger import ledger_post
from applicants.tests.factories import ApplicantFactory

STRIPE_WEBHOOK_SECRET = "whsec_test_secret_for_payments"
STRIPE_SECRET_KEY = "sk_test_not_a_real_key"


def applicant_owing(amount: str = "1000.00", **kwargs: Any) -> Applicant:
    applicant = ApplicantFactory(**kwargs)
    ledger_post(applicant=applicant, kind="charge", amount=Decimal(amount), description="USMLE Step 1 fee")
    return applicant


def stripe_signature(
    payload: bytes, *, secret: str = STRIPE_WEBHOOK_SECRET, timestamp: int | None = None
) -> str:
    """What Stripe sends in ``Stripe-Signature``: HMAC-SHA256 of ``timestamp.payload``."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def checkout_completed(
    *,
    applicant_id: int,
    cents: int,
    event_id: str = "evt_1",
    session_id: str = "cs_test_1",
    event_type: str = "checkout.session.completed",
    payment_status: str = "paid",
    currency: str = "usd",
) -> bytes:
    """A Checkout Session event body in Stripe's shape (trimmed to the fields we read)."""
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": event_type,
            "data": {
                "object": {
                    "id": session_id,
                    "object": "checkout.session",
                    "amount_total": cents,
                    "currency": currency,
                    "payment_status": payment_status,
                    "client_reference_id": str(applicant_id),
                    "metadata": {"applicant_id": str(applicant_id)},
                }
            },
        }
    ).encode()
