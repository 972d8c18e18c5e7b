"""R-PAY-1 (derived balance, immutable entries, corrections are new entries) and
R-PAY-2 (no certificate while even one cent is owed), through the rules engine."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from applicants.models import LedgerEntry
from applicants.payments.models import ProviderEvent
from applicants.payments.providers import PaymentEvent
from applicants.payments.services import payment_event_apply
from applicants.services.ledger import ledger_balance, ledger_post
from applicants.tests.payment_helpers import applicant_owing
from certificates.selectors import applicant_assessment

pytestmark = pytest.mark.django_db


def test_a_correction_is_a_new_entry_and_the_wrong_one_stays() -> None:
    applicant = applicant_owing("1000.00")
    wrong, _ = ledger_post(applicant=applicant, kind="payment", amount=Decimal("100.00"), description="Typo")
    ledger_post(applicant=applicant, kind="adjustment", amount=Decimal("100.00"), description="Reverse typo")
    ledger_post(applicant=applicant, kind="payment", amount=Decimal("10.00"), description="Correct amount")

    assert ledger_balance(applicant=applicant) == Decimal("990.00")
    wrong.refresh_from_db()
    assert wrong.amount == Decimal("-100.00")
    assert LedgerEntry.objects.filter(applicant=applicant).count() == 4


def test_entries_and_provider_events_refuse_edit_and_delete() -> None:
    applicant = applicant_owing("50.00")
    record, _ = payment_event_apply(
        event=PaymentEvent(
            provider="sandbox",
            event_id="evt_x",
            event_type="checkout.session.completed",
            applicant_id=applicant.pk,
            amount=Decimal("50.00"),
            reference="sandbox:cs_x",
        )
    )
    entry = LedgerEntry.objects.get(reference="sandbox:cs_x")
    entry.amount = Decimal("-1.00")
    with pytest.raises(ValueError, match="immutable"):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    with pytest.raises(ValueError):
        record.save()
    with pytest.raises(ValueError):
        record.delete()


@pytest.mark.postgres
def test_postgres_refuses_updates_that_bypass_the_model() -> None:
    if connection.vendor != "postgresql":
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("REQUIRE_SERVICES=1 but the tests do not run on PostgreSQL")
        pytest.skip("the trigger exists on PostgreSQL only")
    applicant = applicant_owing("50.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.filter(applicant=applicant).update(amount=Decimal("1.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.filter(applicant=applicant)._raw_delete(connection.alias)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProviderEvent.objects.create(provider="stripe", event_id="e", event_type="t", outcome="ignored")
        ProviderEvent.objects.filter(event_id="e").update(outcome="applied")
    assert ledger_balance(applicant=applicant) == Decimal("50.00")


@pytest.mark.parametrize(
    ("paid", "met"),
    [
        ("999.99", False),  # one cent owed blocks the certificate
        ("1000.00", True),
        ("1000.01", True),  # a credit is not a debt
    ],
)
def test_balance_requirement_to_the_cent(paid: str, met: bool) -> None:
    applicant = applicant_owing("1000.00")
    ledger_post(applicant=applicant, kind="payment", amount=Decimal(paid), description="Card")

    requirement = applicant_assessment(applicant=applicant).get("R-PAY-2")

    assert requirement.met is met
    if not met:
        assert "$0.01" in requirement.reason
        assert requirement.next_action == "Pay your outstanding balance."
