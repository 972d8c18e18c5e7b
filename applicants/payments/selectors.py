"""Reading the ledger for the applicant's page."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from applicants.models import Applicant, LedgerEntry
from applicants.services.ledger import ledger_balance

from .models import OverpaymentRefund


def format_usd(amount: Decimal) -> str:
    """``-1234.5`` -> ``"\u2212$1,234.50"``: a real minus sign (U+2212), read out correctly."""
    sign = "\u2212" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


@dataclass(frozen=True)
class StatementLine:
    entry: LedgerEntry
    balance_after: Decimal

    @property
    def amount_display(self) -> str:
        return format_usd(self.entry.amount)

    @property
    def balance_display(self) -> str:
        return format_usd(self.balance_after)


@dataclass(frozen=True)
class Statement:
    lines: list[StatementLine]
    balance: Decimal
    # Refunds of overpayments sent to the provider and not yet on the ledger.
    refunds_on_the_way: Decimal = Decimal("0.00")

    @property
    def balance_display(self) -> str:
        return format_usd(self.balance)

    @property
    def owes(self) -> bool:
        return self.balance > 0

    @property
    def refunds_on_the_way_display(self) -> str:
        return format_usd(self.refunds_on_the_way)


def ledger_statement(*, applicant: Applicant) -> Statement:
    """Every entry, oldest first, with the running balance after it; the balance,
    derived from the ledger; and, when it is below zero, the overpayment refunds on
    their way (two queries whatever the number of entries, three with a credit)."""
    running = Decimal("0.00")
    lines: list[StatementLine] = []
    for entry in LedgerEntry.objects.filter(applicant=applicant).order_by("created_at", "id"):
        running += entry.amount
        lines.append(StatementLine(entry=entry, balance_after=running))
    balance = ledger_balance(applicant=applicant)
    on_the_way = None
    if balance < 0:  # only an overpayment leaves a refund on its way
        on_the_way = OverpaymentRefund.objects.filter(
            applicant=applicant, status=OverpaymentRefund.Status.PENDING
        ).aggregate(total=Sum("amount"))["total"]
    return Statement(lines=lines, balance=balance, refunds_on_the_way=on_the_way or Decimal("0.00"))
