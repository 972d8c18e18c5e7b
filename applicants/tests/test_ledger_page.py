"""The applicant's ledger page: every entry, a running balance, the derived balance."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from applicants.services.ledger import ledger_post
from applicants.tests.factories import ApplicantFactory, UserFactory
from applicants.tests.payment_helpers import applicant_owing

pytestmark = pytest.mark.django_db


def test_it_lists_entries_with_running_balance_and_derived_total(client) -> None:
    applicant = applicant_owing("1000.00")
    ledger_post(applicant=applicant, kind="payment", amount=Decimal("400.00"), description="Card payment")
    ledger_post(applicant=applicant, kind="refund", amount=Decimal("25.50"), description="Refund of overpay")
    client.force_login(applicant.user)

    response = client.get(reverse("ledger"))

    assert response.status_code == 200
    lines = response.context["statement"].lines
    assert [line.balance_after for line in lines] == [
        Decimal("1000.00"),
        Decimal("600.00"),
        Decimal("625.50"),
    ]
    assert response.context["statement"].balance == Decimal("625.50")
    html = response.content.decode()
    assert "Card payment" in html
    assert "\u2212$400.00" in html  # a payment reduces the balance: shown with a minus sign
    assert 'data-testid="balance">$625.50<' in html
    assert reverse("payment_start") in html


def test_it_offers_no_payment_when_nothing_is_owed(client) -> None:
    applicant = applicant_owing("100.00")
    ledger_post(applicant=applicant, kind="payment", amount=Decimal("100.00"), description="Paid")
    client.force_login(applicant.user)

    html = client.get(reverse("ledger")).content.decode()

    assert 'data-testid="balance">$0.00<' in html
    assert reverse("payment_start") not in html


@pytest.mark.parametrize("entries", [1, 25])
def test_it_uses_a_fixed_number_of_queries(client, django_assert_num_queries, entries) -> None:
    applicant = ApplicantFactory()
    for n in range(entries):
        ledger_post(applicant=applicant, kind="charge", amount=Decimal("10.00"), description=f"Fee {n}")
    client.force_login(applicant.user)
    # session, user, applicant, entries, balance; the journey's next step (issue 12): the
    # applicant with its schools and certificate, and the journey's file (one statement)
    with django_assert_num_queries(7):
        response = client.get(reverse("ledger"))
    assert response.status_code == 200


def test_a_second_applicant_sees_only_their_own_ledger(client) -> None:
    owner = applicant_owing("1000.00")
    ledger_post(applicant=owner, kind="charge", amount=Decimal("1.23"), description="Owner-only late fee")
    other = ApplicantFactory()
    client.force_login(other.user)

    response = client.get(reverse("ledger"))

    assert response.status_code == 200
    assert response.context["statement"].lines == []
    assert "Owner-only late fee" not in response.content.decode()
    assert 'data-testid="balance">$0.00<' in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client) -> None:
    response = client.get(reverse("ledger"))
    assert response.status_code == 302
    assert "next=/account/ledger/" in response["Location"]


def test_an_account_without_an_applicant_record_gets_404(client) -> None:
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("ledger")).status_code == 404


@pytest.mark.parametrize(
    ("outcome", "text"),
    [
        ("done", "appears below as soon as the payment provider confirms it"),
        ("cancelled", "nothing was charged"),
    ],
)
def test_the_return_from_checkout_is_explained(client, outcome: str, text: str) -> None:
    applicant = applicant_owing("10.00")
    client.force_login(applicant.user)
    assert text in client.get(reverse("ledger") + f"?checkout={outcome}").content.decode()
