"""The applicant's ledger (R-PAY-1): immutable entries, a derived balance."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext

from applicants.models import Applicant, LedgerEntry
from applicants.notifications.services import ledger_entry_notify
from ecfmg_portal.audit.services import audit_record
from ecfmg_portal.errors import DomainError
from ecfmg_portal.events import applicant_status_changed

CENT = Decimal("0.01")


def ledger_balance(*, applicant: Applicant | int) -> Decimal:
    """What the applicant owes now: the sum of all entries (negative = credit)."""
    applicant_id = applicant if isinstance(applicant, int) else applicant.pk
    total = LedgerEntry.objects.filter(applicant_id=applicant_id).aggregate(total=Sum("amount"))["total"]
    return (total or Decimal("0")).quantize(CENT)


def _validated_amount(amount: Decimal) -> Decimal:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise DomainError("invalid_amount", gettext("Enter an amount in dollars and cents."), field="amount")
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise DomainError("invalid_amount", gettext("Amounts are in whole cents."), field="amount")
    if amount <= 0:
        raise DomainError("invalid_amount", gettext("Enter an amount greater than zero."), field="amount")
    if amount >= Decimal("100000000"):
        raise DomainError("invalid_amount", gettext("That amount is too large."), field="amount")
    return amount.quantize(CENT)


def ledger_post(
    *,
    applicant: Applicant,
    kind: str,
    amount: Decimal,
    description: str,
    reference: str | None = None,
    actor: Any = None,
) -> tuple[LedgerEntry, bool]:
    """Write one entry. ``amount`` is given positive; its sign follows from ``kind``
    (an adjustment is a credit when ``amount`` is negative).

    Idempotent on ``reference``: posting the same reference again returns the
    first entry and ``False``, so a provider event or a retried task never
    charges or credits twice.
    """
    if kind == LedgerEntry.Kind.ADJUSTMENT:
        if not isinstance(amount, Decimal) or amount == 0:
            raise DomainError("invalid_amount", "An adjustment cannot be zero.", field="amount")
        signed = _validated_amount(abs(amount)) * (1 if amount > 0 else -1)
    elif kind in (LedgerEntry.Kind.CHARGE, LedgerEntry.Kind.REFUND):
        signed = _validated_amount(amount)
    elif kind == LedgerEntry.Kind.PAYMENT:
        signed = -_validated_amount(amount)
    else:
        raise DomainError("invalid_kind", "Unknown kind of ledger entry.", field="kind")
    if reference:
        existing = LedgerEntry.objects.filter(reference=reference).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            entry = LedgerEntry.objects.create(
                applicant=applicant,
                kind=kind,
                amount=signed,
                description=description[:200],
                reference=reference or None,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            audit_record(
                action=f"ledger.{kind}",
                obj=entry,
                actor=actor,
                after={"applicant": applicant.pk, "amount": str(signed), "reference": reference},
            )
            ledger_entry_notify(entry=entry)
    except IntegrityError:
        # Lost a race on the same reference: the other writer's entry stands.
        existing = LedgerEntry.objects.filter(reference=reference).first() if reference else None
        if existing is None:
            raise
        return existing, False
    applicant_status_changed(applicant_id=applicant.pk, cause=f"ledger.{kind}")
    return entry, True
