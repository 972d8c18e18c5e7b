"""The receipt of a payment or a refund, as a PDF: the one place it is rendered.

Attached to the e-mail that announces the entry (``applicants.notifications``) and
rendered from the immutable ledger entry alone, so a receipt sent again is the same
receipt. Always in English, with the portal's one date style ("1 December 2026") and
money style ("$1,000.00"). WeasyPrint renders our own template with every resource
fetch refused, so nothing printed on it (a name, a description) can make the renderer
read a file or the network. The signature of the PDF is added here too (H7).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from applicants.models import LedgerEntry
from certificates.signing.pdf import sign_pdf
from ecfmg_portal.formatting import format_day, format_money

RECEIPT_KINDS = (LedgerEntry.Kind.PAYMENT, LedgerEntry.Kind.REFUND)


class _NoFetching(URLFetcher):
    def fetch(self, url: str, headers: Any = None) -> Any:
        raise ValueError("The receipt loads no resources.")


def receipt_number(entry: LedgerEntry) -> str:
    """``P-000123`` for a payment, ``R-000124`` for a refund: the ledger entry's id."""
    prefix = "P" if entry.kind == LedgerEntry.Kind.PAYMENT else "R"
    return f"{prefix}-{entry.pk:06d}"


def receipt_filename(entry: LedgerEntry) -> str:
    return f"ecfmg-receipt-{receipt_number(entry)}.pdf"


def _balance_after(entry: LedgerEntry) -> Decimal:
    earlier = Q(created_at__lt=entry.created_at) | Q(created_at=entry.created_at, pk__lte=entry.pk)
    total = LedgerEntry.objects.filter(earlier, applicant_id=entry.applicant_id).aggregate(
        total=Sum("amount")
    )["total"] or Decimal("0")
    return total


def receipt_context(entry: LedgerEntry) -> dict[str, Any]:
    """What the receipt prints, already in words (one query: the balance after it)."""
    if entry.kind not in RECEIPT_KINDS:
        raise ValueError("Only payments and refunds have a receipt.")
    applicant = entry.applicant
    with translation.override("en"):
        return {
            "is_refund": entry.kind == LedgerEntry.Kind.REFUND,
            "number": receipt_number(entry),
            "date": format_day(entry.created_at),
            "name": applicant.full_name or applicant.user.email,
            "usmle_id": applicant.usmle_id or "",
            "description": entry.description,
            "amount": format_money(abs(entry.amount)),
            "balance_after": format_money(_balance_after(entry)),
        }


def receipt_pdf(entry: LedgerEntry) -> bytes:
    """The receipt of one payment or refund, as PDF bytes."""
    with translation.override("en"):
        html = render_to_string("payments/receipt_pdf.html", receipt_context(entry))
    pdf = bytes(HTML(string=html, base_url="/", url_fetcher=_NoFetching()).write_pdf())
    # R-VE-4: every PDF the portal hands out is PAdES-signed through the one signing function.
    return sign_pdf(pdf, reason=f"ECFMG receipt {receipt_number(entry)}")
