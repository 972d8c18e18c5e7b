"""Stripe webhooks: verified with the signing secret, each event applied once."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from applicants.models import LedgerEntry
from applicants.payments.models import ProviderEvent
from applicants.services.ledger import ledger_balance
from applicants.tests.payment_helpers import (
    STRIPE_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET,
    applicant_owing,
    checkout_completed,
    stripe_signature,
)
from ecfmg_portal.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
URL = "/account/payments/webhook/stripe/"


@pytest.fixture(autouse=True)
def _stripe(settings):
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = STRIPE_SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET


def deliver(client, body: bytes, signature: str | None = None):
    headers = {"HTTP_STRIPE_SIGNATURE": signature if signature is not None else stripe_signature(body)}
    return client.post(URL, data=body, content_type="application/json", **headers)


def test_the_url_is_the_named_webhook_route() -> None:
    assert reverse("payment_webhook", kwargs={"provider": "stripe"}) == URL


def test_a_signed_paid_checkout_is_recorded_as_a_payment(client) -> None:
    applicant = applicant_owing("1000.00")

    response = deliver(client, checkout_completed(applicant_id=applicant.pk, cents=100000))

    assert response.status_code == 200
    assert response.json() == {"received": True, "applied": True, "outcome": "applied"}
    assert ledger_balance(applicant=applicant) == Decimal("0.00")
    entry = LedgerEntry.objects.get(reference="stripe:cs_test_1")
    assert (entry.kind, entry.amount, entry.applicant_id) == ("payment", Decimal("-1000.00"), applicant.pk)
    event = ProviderEvent.objects.get()
    assert (event.provider, event.event_id, event.ledger_entry_id) == ("stripe", "evt_1", entry.pk)


def test_a_replayed_event_returns_200_and_changes_nothing(client) -> None:
    applicant = applicant_owing("1000.00")
    body = checkout_completed(applicant_id=applicant.pk, cents=40000)
    deliver(client, body)
    audit_count = AuditEntry.objects.count()

    replay = deliver(client, body)

    assert replay.status_code == 200
    assert replay.json()["applied"] is False
    assert ledger_balance(applicant=applicant) == Decimal("600.00")
    assert ProviderEvent.objects.count() == 1
    assert AuditEntry.objects.count() == audit_count


def test_two_events_for_one_checkout_pay_once(client) -> None:
    # A delayed payment method: "completed" then "async_payment_succeeded", both paid here.
    applicant = applicant_owing("1000.00")
    deliver(client, checkout_completed(applicant_id=applicant.pk, cents=100000, event_id="evt_a"))
    second = deliver(
        client,
        checkout_completed(
            applicant_id=applicant.pk,
            cents=100000,
            event_id="evt_b",
            event_type="checkout.session.async_payment_succeeded",
        ),
    )
    assert second.json()["outcome"] == "already"
    assert ledger_balance(applicant=applicant) == Decimal("0.00")
    assert LedgerEntry.objects.filter(kind="payment").count() == 1


@pytest.mark.parametrize(
    "signature",
    [
        "",
        "t=123,v1=deadbeef",
        "garbage",
        pytest.param("wrong-secret", id="signed-with-another-secret"),
        pytest.param("stale", id="older-than-five-minutes"),
    ],
)
def test_a_bad_signature_is_refused_with_400_and_nothing_written(client, signature: str) -> None:
    applicant = applicant_owing("1000.00")
    body = checkout_completed(applicant_id=applicant.pk, cents=100000)
    if signature == "wrong-secret":
        signature = stripe_signature(body, secret="whsec_somebody_else")
    elif signature == "stale":
        signature = stripe_signature(body, timestamp=int(time.time()) - 600)
    audit_count = AuditEntry.objects.count()

    response = deliver(client, body, signature)

    assert response.status_code == 400
    assert response.json()["error"] == "webhook_signature"
    assert ProviderEvent.objects.count() == 0
    assert ledger_balance(applicant=applicant) == Decimal("1000.00")
    assert AuditEntry.objects.count() == audit_count


def test_a_body_changed_after_signing_is_refused(client) -> None:
    applicant = applicant_owing("1000.00")
    body = checkout_completed(applicant_id=applicant.pk, cents=100)
    signature = stripe_signature(body)
    tampered = body.replace(b'"amount_total": 100', b'"amount_total": 100000')

    assert deliver(client, tampered, signature).status_code == 400
    assert ledger_balance(applicant=applicant) == Decimal("1000.00")


@pytest.mark.parametrize(
    ("changes", "outcome"),
    [
        ({"event_type": "customer.created"}, "ignored"),
        ({"payment_status": "unpaid"}, "ignored"),
        ({"currency": "eur"}, "ignored"),
    ],
)
def test_events_that_are_not_a_usd_payment_are_recorded_and_ignored(client, changes, outcome) -> None:
    applicant = applicant_owing("1000.00")
    body = checkout_completed(applicant_id=applicant.pk, cents=100000, **changes)

    response = deliver(client, body)

    assert response.status_code == 200
    assert ProviderEvent.objects.get().outcome == outcome
    assert ledger_balance(applicant=applicant) == Decimal("1000.00")


def test_a_payment_for_an_unknown_applicant_is_kept_for_staff(client) -> None:
    response = deliver(client, checkout_completed(applicant_id=987654, cents=5000))

    assert response.status_code == 200  # retrying would not help: keep it and tell staff
    event = ProviderEvent.objects.get()
    assert (event.outcome, event.amount, event.ledger_entry_id) == ("unmatched", Decimal("50.00"), None)


def test_a_webhook_for_a_provider_not_configured_is_404(client, settings) -> None:
    settings.PAYMENT_PROVIDER = "sandbox"
    applicant = applicant_owing("1000.00")
    assert deliver(client, checkout_completed(applicant_id=applicant.pk, cents=100)).status_code == 404
    assert ProviderEvent.objects.count() == 0


def test_only_post_is_accepted(client) -> None:
    assert client.get(URL).status_code == 405


def test_a_webhook_uses_a_fixed_number_of_queries(client, django_assert_num_queries) -> None:
    applicant = applicant_owing("1000.00")
    body = checkout_completed(applicant_id=applicant.pk, cents=100000)
    # event lookup, applicant, reference lookup, entry insert, event insert, two audit entries
    # (tail + insert each, plus the chain lock on PostgreSQL), and the savepoints around them;
    # then the applicant's "payment received" e-mail row (savepoint, insert, release) and
    # the account's language for it; the checkout marked paid, and the balance after it
    # (no refund: nothing was paid over the balance); and the journey's next step the
    # e-mail ends with (the applicant, then its file in one statement: verification,
    # documents and their events, results, applications, ledger).
    audit_lock = 1 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries(17 + 3 + 1 + 2 + 2 + 2 * audit_lock):
        deliver(client, body)
    with django_assert_num_queries(1):  # a replay reads its event and stops
        deliver(client, body)
