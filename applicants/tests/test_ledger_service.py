"""R-PAY-1: every fee, payment and refund is an immutable ledger entry; the balance is derived."""

from __future__ import annotations

from decimal import Decimal

import pytest

from applicants.models import LedgerEntry
from applicants.services.ledger import ledger_balance, ledger_post
from applicants.tests.factories import ApplicantFactory
from ecfmg_portal.errors import DomainError

pytestmark = pytest.mark.django_db


def test_balance_is_the_sum_of_entries_to_the_cent() -> None:
    applicant = ApplicantFactory()
    ledger_post(applicant=applicant, kind="charge", amount=Decimal("1000.00"), description="Step 1")
    ledger_post(applicant=applicant, kind="payment", amount=Decimal("999.99"), description="Card")
    assert ledger_balance(applicant=applicant) == Decimal("0.01")
    ledger_post(applicant=applicant, kind="refund", amount=Decimal("10.00"), description="Refund")
    ledger_post(applicant=applicant, kind="adjustment", amount=Decimal("-10.01"), description="Waiver")
    assert ledger_balance(applicant=applicant) == Decimal("0.00")


def test_entries_cannot_be_edited_or_deleted() -> None:
    entry, _ = ledger_post(
        applicant=ApplicantFactory(), kind="charge", amount=Decimal("5.00"), description="Fee"
    )
    entry.amount = Decimal("1.00")
    with pytest.raises(ValueError, match="immutable"):
        entry.save()
    with pytest.raises(ValueError, match="cannot be deleted"):
        entry.delete()
    assert LedgerEntry.objects.get(pk=entry.pk).amount == Decimal("5.00")


def test_the_same_reference_is_applied_once() -> None:
    applicant = ApplicantFactory()
    ledger_post(applicant=applicant, kind="charge", amount=Decimal("100.00"), description="Fee")
    first, created = ledger_post(
        applicant=applicant, kind="payment", amount=Decimal("100.00"), description="Card", reference="evt_1"
    )
    again, created_again = ledger_post(
        applicant=applicant, kind="payment", amount=Decimal("100.00"), description="Card", reference="evt_1"
    )
    assert created and not created_again and first.pk == again.pk
    assert ledger_balance(applicant=applicant) == Decimal("0.00")


@pytest.mark.parametrize(
    "amount",
    [Decimal("0"), Decimal("-5"), Decimal("0.001"), Decimal("NaN"), Decimal("Infinity"), Decimal("1e9")],
)
def test_invalid_amounts_are_refused_and_nothing_is_written(amount: Decimal) -> None:
    applicant = ApplicantFactory()
    with pytest.raises(DomainError):
        ledger_post(applicant=applicant, kind="payment", amount=amount, description="x")
    assert not LedgerEntry.objects.filter(applicant=applicant).exists()


def test_signs_follow_the_kind() -> None:
    applicant = ApplicantFactory()
    charge, _ = ledger_post(applicant=applicant, kind="charge", amount=Decimal("3.00"), description="a")
    payment, _ = ledger_post(applicant=applicant, kind="payment", amount=Decimal("2.00"), description="b")
    assert charge.amount == Decimal("3.00") and payment.amount == Decimal("-2.00")
