"""Starting a payment: the amount is checked, then the provider's checkout opens.
Nothing reaches the ledger until the provider's webhook confirms the payment."""

from __future__ import annotations

from decimal import Decimal
from unittest import mock

import pytest
import stripe
from django.urls import reverse

from applicants.models import LedgerEntry
from applicants.payments.providers import ProviderUnavailable, payment_provider
from applicants.payments.services import payment_amount_validate
from applicants.services.ledger import ledger_post
from applicants.tests.factories import ApplicantFactory
from applicants.tests.payment_helpers import STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, applicant_owing
from ecfmg_portal.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("1000.01", "amount_above_balance"),
        ("0.00", "invalid_amount"),
        ("-5.00", "invalid_amount"),
        ("10.001", "invalid_amount"),
        ("NaN", "invalid_amount"),
    ],
)
def test_amounts_outside_zero_to_balance_are_refused(amount: str, code: str) -> None:
    applicant = applicant_owing("1000.00")
    with pytest.raises(DomainError) as refused:
        payment_amount_validate(applicant=applicant, amount=Decimal(amount))
    assert refused.value.code == code
    assert refused.value.field == "amount"


@pytest.mark.parametrize("amount", ["0.01", "500", "1000.00"])
def test_any_amount_up_to_the_balance_is_accepted(amount: str) -> None:
    applicant = applicant_owing("1000.00")
    assert payment_amount_validate(applicant=applicant, amount=Decimal(amount)) == Decimal(amount)


def test_nothing_can_be_paid_without_a_balance() -> None:
    applicant = applicant_owing("10.00")
    ledger_post(applicant=applicant, kind="payment", amount=Decimal("10.00"), description="Paid")
    with pytest.raises(DomainError) as refused:
        payment_amount_validate(applicant=applicant, amount=Decimal("1.00"))
    assert refused.value.code == "nothing_owed"


def test_the_form_shows_the_error_next_to_the_field_and_writes_nothing(client) -> None:
    applicant = applicant_owing("100.00")
    client.force_login(applicant.user)

    response = client.post(reverse("payment_start"), {"amount": "100.01"})

    assert response.status_code == 200  # the form again, with the error
    html = response.content.decode()
    assert "You can pay at most your outstanding balance, $100.00." in html
    assert 'id="id_amount_error"' in html
    assert 'aria-invalid="true"' in html
    assert LedgerEntry.objects.filter(applicant=applicant).count() == 1


def test_the_pay_page_suggests_the_whole_balance(client, django_assert_num_queries) -> None:
    applicant = applicant_owing("1234.56")
    client.force_login(applicant.user)
    # session, user, applicant, entries, balance
    with django_assert_num_queries(5):
        response = client.get(reverse("payment_start"))
    assert response.status_code == 200
    assert 'value="1234.56"' in response.content.decode()


def test_starting_a_payment_uses_a_fixed_number_of_queries(client, django_assert_num_queries) -> None:
    applicant = applicant_owing("1234.56")
    client.force_login(applicant.user)
    # session, user, applicant, entries and balance for the form; in the service's
    # transaction (savepoint, release): the applicant's row lock, the balance again,
    # the open checkouts to expire (none) and the new checkout.
    with django_assert_num_queries(6 + 5):
        assert client.post(reverse("payment_start"), {"amount": "10.00"}).status_code == 302


def test_sandbox_checkout_sends_the_applicant_to_the_local_pay_page(client, settings) -> None:
    settings.PAYMENT_PROVIDER = "sandbox"
    applicant = applicant_owing("100.00")
    client.force_login(applicant.user)

    response = client.post(reverse("payment_start"), {"amount": "40.00"})

    assert response.status_code == 302
    assert response["Location"].startswith("/account/pay/sandbox/")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'data-testid="sandbox-amount">$40.00<' in page.content.decode()


def test_stripe_checkout_is_created_for_the_amount_in_cents(client, settings) -> None:
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = STRIPE_SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET
    applicant = applicant_owing("1000.00")
    client.force_login(applicant.user)
    session = mock.Mock(url="https://checkout.stripe.com/c/pay/cs_test_abc")

    with mock.patch("stripe.checkout.Session.create", return_value=session) as create:
        response = client.post(reverse("payment_start"), {"amount": "250.05"})

    assert response.status_code == 302
    assert response["Location"] == "https://checkout.stripe.com/c/pay/cs_test_abc"
    # The browser follows that redirect after a form POST: CSP form-action must allow it.
    assert "https://checkout.stripe.com" in response["Content-Security-Policy"]
    params = create.call_args.kwargs
    assert params["api_key"] == STRIPE_SECRET_KEY
    assert params["mode"] == "payment"
    assert params["line_items"][0]["price_data"]["unit_amount"] == 25005
    assert params["line_items"][0]["price_data"]["currency"] == "usd"
    assert params["metadata"] == {"applicant_id": str(applicant.pk)}
    assert params["success_url"].endswith("/account/ledger/?checkout=done")
    assert LedgerEntry.objects.filter(applicant=applicant).count() == 1  # nothing until the webhook


def test_stripe_being_down_is_explained_and_nothing_is_written(client, settings) -> None:
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = STRIPE_SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET
    applicant = applicant_owing("1000.00")
    client.force_login(applicant.user)

    with mock.patch("stripe.checkout.Session.create", side_effect=stripe.APIConnectionError("down")):
        response = client.post(reverse("payment_start"), {"amount": "10.00"})

    assert response.status_code == 200  # the form again, with the error
    assert "The payment service did not answer; nothing was charged." in response.content.decode()
    assert LedgerEntry.objects.filter(applicant=applicant).count() == 1


def test_stripe_without_keys_is_unavailable(settings) -> None:
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(ProviderUnavailable):
        payment_provider()


def test_the_sandbox_is_refused_under_production_settings(client, settings) -> None:
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.PRODUCTION = True
    with pytest.raises(ProviderUnavailable) as refused:
        payment_provider()
    assert refused.value.code == "sandbox_refused"
    applicant = applicant_owing("100.00")
    client.force_login(applicant.user)
    response = client.post(reverse("payment_start"), {"amount": "10.00"})
    assert response.status_code == 200  # the form again, with the error
    assert "refused when production settings are on" in response.content.decode()


def test_an_applicant_with_nothing_owed_is_told_so(client) -> None:
    applicant = ApplicantFactory()
    client.force_login(applicant.user)
    response = client.post(reverse("payment_start"), {"amount": "10.00"})
    assert response.status_code == 200  # the form again, with the error
    assert "You have no outstanding balance to pay." in response.content.decode()
