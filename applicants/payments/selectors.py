"""Reading the ledger for the applicant's page."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from applicants.models import Applicant, LedgerEntry
from applicants.services.ledger import ledger_balance


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

    @property
    def balance_display(self) -> str:
        return format_usd(self.balance)

    @property
    def owes(self) -> bool:
        return self.balance > 0


def ledger_statement(*, applicant: Applicant) -> Statement:
    """Every entry, oldest first, with the running balance after it; and the balance,
    derived from the ledger (two queries whatever the number of entries)."""
    running = Decimal("0.00")
    lines: list[StatementLine] = []
    for entry in LedgerEntry.objects.filter(applicant=applicant).order_by("created_at", "id"):
        running += entry.amount
        lines.append(StatementLine(entry=entry, balance_after=running))
    return Statement(lines=lines, balance=ledger_balance(applicant=applicant))
