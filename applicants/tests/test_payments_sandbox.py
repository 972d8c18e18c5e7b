"""The development sandbox: a local confirmation page whose webhook is signed and
applied through the same path as Stripe's; refused under production settings."""

from __future__ import annotations

import json
import time
from decimal import Decimal

import pytest
from django.urls import reverse

from applicants.payments.models import ProviderEvent
from applicants.payments.providers import (
    SANDBOX_SIGNATURE_HEADER,
    SandboxProvider,
    sandbox_secret,
    sandbox_signature_header,
)
from applicants.services.ledger import ledger_balance
from applicants.tests.payment_helpers import applicant_owing, checkout_completed
from ecfmg_portal import events

pytestmark = pytest.mark.django_db
WEBHOOK = "/account/payments/webhook/sandbox/"


@pytest.fixture(autouse=True)
def _sandbox(settings):
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.PRODUCTION = False


def start(client, applicant, amount: str) -> str:
    client.force_login(applicant.user)
    response = client.post(reverse("payment_start"), {"amount": amount})
    assert response.status_code == 302
    return str(response["Location"])


def test_confirming_pays_and_the_ledger_shows_it(client) -> None:
    applicant = applicant_owing("1000.00")
    checkout = start(client, applicant, "1000.00")

    response = client.post(checkout, follow=True)

    assert response.redirect_chain[-1][0] == reverse("ledger")
    html = response.content.decode()
    assert "Payment of $1,000.00 received. Thank you." in html
    assert 'data-testid="balance">$0.00<' in html
    event = ProviderEvent.objects.get()
    assert (event.provider, event.outcome, event.amount) == ("sandbox", "applied", Decimal("1000.00"))
    assert event.ledger_entry is not None
    assert event.ledger_entry.description == "Online payment (sandbox)"


def test_confirming_twice_pays_once(client) -> None:
    applicant = applicant_owing("1000.00")
    checkout = start(client, applicant, "300.00")
    client.post(checkout)
    client.post(checkout)
    assert ledger_balance(applicant=applicant) == Decimal("700.00")
    assert ProviderEvent.objects.count() == 1


def test_paying_announces_a_status_change_for_recertification(
    client, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    calls: list[tuple[int, str]] = []
    monkeypatch.setattr(events, "_status_handlers", [lambda pk, cause: calls.append((pk, cause))])
    applicant = applicant_owing("10.00")
    checkout = start(client, applicant, "10.00")
    calls.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(checkout)

    # certificates subscribes to this announcement and re-evaluates the rules (R-PAY-2).
    assert (applicant.pk, "ledger.payment") in calls


def test_another_applicant_cannot_open_or_confirm_someone_elses_checkout(client) -> None:
    owner = applicant_owing("1000.00")
    checkout = start(client, owner, "1000.00")
    intruder = applicant_owing("1000.00")
    client.force_login(intruder.user)

    assert client.get(checkout).status_code == 404
    assert client.post(checkout).status_code == 404
    assert ledger_balance(applicant=owner) == Decimal("1000.00")
    assert ledger_balance(applicant=intruder) == Decimal("1000.00")
    assert ProviderEvent.objects.count() == 0


def test_a_tampered_checkout_link_is_refused(client) -> None:
    applicant = applicant_owing("1000.00")
    checkout = start(client, applicant, "1.00")
    tampered = checkout.replace("/sandbox/", "/sandbox/x")

    response = client.post(tampered)

    assert response.status_code == 400
    assert "This payment page has expired" in response.content.decode()
    assert ProviderEvent.objects.count() == 0


def test_the_sandbox_webhook_over_http_is_verified_like_stripes(client) -> None:
    applicant = applicant_owing("1000.00")
    body = checkout_completed(applicant_id=applicant.pk, cents=2500, event_id="evt_http", session_id="sbcs_1")
    signed = {
        f"HTTP_{SANDBOX_SIGNATURE_HEADER.upper().replace('-', '_')}": sandbox_signature_header(
            body, secret=sandbox_secret()
        )
    }

    assert client.post(WEBHOOK, body, content_type="application/json", **signed).status_code == 200
    assert client.post(WEBHOOK, body, content_type="application/json", **signed).json()["applied"] is False
    assert ledger_balance(applicant=applicant) == Decimal("975.00")


@pytest.mark.parametrize(
    "header",
    [
        "",
        "t=1,v1=00",
        pytest.param("other-secret", id="other-secret"),
        pytest.param("stale", id="stale"),
    ],
)
def test_a_sandbox_webhook_with_a_bad_signature_is_refused(client, header: str) -> None:
    applicant = applicant_owing("1000.00")
    body = checkout_completed(applicant_id=applicant.pk, cents=2500)
    if header == "other-secret":
        header = sandbox_signature_header(body, secret="not-the-sandbox-secret")
    elif header == "stale":
        header = sandbox_signature_header(body, secret=sandbox_secret(), timestamp=int(time.time()) - 301)

    response = client.post(WEBHOOK, body, content_type="application/json", HTTP_SANDBOX_SIGNATURE=header)

    assert response.status_code == 400
    assert ProviderEvent.objects.count() == 0
    assert ledger_balance(applicant=applicant) == Decimal("1000.00")


def test_the_sandbox_secret_follows_secret_key(settings) -> None:
    first = sandbox_secret()
    settings.SECRET_KEY = "another-secret-key-" + "y" * 40
    assert sandbox_secret() != first


def test_under_production_settings_every_sandbox_path_is_404(client, settings) -> None:
    applicant = applicant_owing("1000.00")
    checkout = start(client, applicant, "10.00")
    delivery = SandboxProvider().completed_delivery(
        session_id="sbcs_prod", applicant_id=applicant.pk, amount=Decimal("10.00")
    )
    settings.PRODUCTION = True

    assert client.get(checkout).status_code == 404
    assert client.post(checkout).status_code == 404
    headers = {"HTTP_SANDBOX_SIGNATURE": delivery.headers[SANDBOX_SIGNATURE_HEADER]}
    response = client.post(WEBHOOK, delivery.body, content_type="application/json", **headers)
    assert response.status_code == 404
    assert ProviderEvent.objects.count() == 0
    assert ledger_balance(applicant=applicant) == Decimal("1000.00")


def test_the_sandbox_webhook_body_has_stripes_shape() -> None:
    delivery = SandboxProvider().completed_delivery(
        session_id="sbcs_9", applicant_id=7, amount=Decimal("1.50")
    )
    payload = json.loads(delivery.body)
    assert payload["type"] == "checkout.session.completed"
    assert payload["data"]["object"]["amount_total"] == 150
    assert payload["data"]["object"]["metadata"] == {"applicant_id": "7"}


def test_the_checkout_page_uses_a_fixed_number_of_queries(client, django_assert_num_queries) -> None:
    applicant = applicant_owing("1000.00")
    checkout = start(client, applicant, "10.00")
    with django_assert_num_queries(4):  # session, user, applicant, the checkout still open
        assert client.get(checkout).status_code == 200
