"""Two deliveries of the same provider event at the same moment post one payment.
Needs PostgreSQL (real concurrent transactions); skipped on SQLite unless
REQUIRE_SERVICES=1, where it fails instead."""

from __future__ import annotations

import os
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from applicants.models import LedgerEntry
from applicants.payments.models import ProviderEvent
from applicants.payments.providers import PaymentEvent
from applicants.payments.services import payment_event_apply
from applicants.services.ledger import ledger_balance
from applicants.tests.payment_helpers import applicant_owing

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("REQUIRE_SERVICES=1 but the tests do not run on PostgreSQL")
        pytest.skip("needs PostgreSQL for concurrent transactions")


@pytest.mark.parametrize("deliveries", [2, 6])
def test_concurrent_deliveries_of_one_event_pay_once(deliveries: int) -> None:
    applicant = applicant_owing("1000.00")
    event = PaymentEvent(
        provider="stripe",
        event_id="evt_race",
        event_type="checkout.session.completed",
        applicant_id=applicant.pk,
        amount=Decimal("1000.00"),
        reference="stripe:cs_race",
    )
    start = threading.Barrier(deliveries)
    applied: list[bool] = []
    errors: list[BaseException] = []

    def deliver() -> None:
        try:
            start.wait(timeout=10)
            applied.append(payment_event_apply(event=event)[1])
        except BaseException as error:  # reported to the test thread below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(deliveries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(applied) == [False] * (deliveries - 1) + [True]
    assert LedgerEntry.objects.filter(kind="payment").count() == 1
    assert ProviderEvent.objects.count() == 1
    assert ledger_balance(applicant=applicant) == Decimal("0.00")
