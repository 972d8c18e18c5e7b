"""Ledger entries and provider events in the admin.

Entries are never changed or deleted (R-PAY-1): the admin only lists them and,
for the "finance" group (permission ``applicants.add_ledgerentry``), records a
new payment, refund or adjustment through ``ledger_record_by_staff``.
Imported by ``applicants/admin.py`` so that admin autodiscovery registers it.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from applicants.models import LedgerEntry
from ecfmg_portal.admin_lists import LargeTableAdmin, ReadOnlyAdmin

from .models import Checkout, OverpaymentRefund, ProviderEvent
from .services import ledger_record_by_staff

# (form choice) -> (ledger kind, sign of the amount given to ledger_record_by_staff)
ENTRY_TYPES: dict[str, tuple[str, int]] = {
    "payment": (LedgerEntry.Kind.PAYMENT, 1),
    "refund": (LedgerEntry.Kind.REFUND, 1),
    "adjustment_credit": (LedgerEntry.Kind.ADJUSTMENT, -1),
    "adjustment_debit": (LedgerEntry.Kind.ADJUSTMENT, 1),
}


class StaffLedgerEntryForm(forms.ModelForm):
    entry_type = forms.ChoiceField(
        label="Type",
        choices=[
            ("payment", "Payment received (reduces the balance)"),
            ("refund", "Refund paid back to the applicant (increases the balance)"),
            ("adjustment_credit", "Adjustment: credit (reduces the balance)"),
            ("adjustment_debit", "Adjustment: debit (increases the balance)"),
        ],
    )
    amount_usd = forms.DecimalField(
        label="Amount (US dollars)",
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text="Always positive; the type says which way it moves the balance.",
    )
    # One per form display: a double submission posts the same reference, recorded once.
    submission = forms.CharField(widget=forms.HiddenInput, initial=lambda: uuid.uuid4().hex)

    class Meta:
        model = LedgerEntry
        fields = ["applicant", "description"]
        help_texts = {"description": "Shown to the applicant, e.g. 'Bank transfer received 24 Nov 2026'."}

    def clean_submission(self) -> str:
        value = str(self.cleaned_data["submission"])
        try:
            return uuid.UUID(hex=value).hex
        except ValueError as exc:
            raise forms.ValidationError("Reload the form and try again.") from exc


@admin.register(LedgerEntry)
class LedgerEntryAdmin(LargeTableAdmin):
    list_display = ("created_at", "applicant", "kind", "amount", "description", "reference", "created_by")
    list_filter = ("kind", "created_at")
    list_select_related = ("applicant", "created_by")
    search_fields = ("=applicant__usmle_id", "reference", "description")
    usmle_id_lookup = "applicant__usmle_id"
    raw_id_fields = ("applicant",)
    readonly_fields = (
        "applicant",
        "kind",
        "amount",
        "description",
        "reference",
        "created_at",
        "created_by",
    )

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = StaffLedgerEntryForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else ()

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("applicant", "entry_type", "amount_usd", "description", "submission")
        return self.readonly_fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: LedgerEntry, form: Any, change: bool) -> None:
        kind, sign = ENTRY_TYPES[form.cleaned_data["entry_type"]]
        entry = ledger_record_by_staff(
            applicant=form.cleaned_data["applicant"],
            kind=kind,
            amount=form.cleaned_data["amount_usd"] * sign,
            description=form.cleaned_data["description"],
            actor=request.user,
            reference=f"staff:{form.cleaned_data['submission']}",
        )
        # The admin logs and redirects to ``obj``: make it the entry the service wrote.
        for field in LedgerEntry._meta.concrete_fields:
            setattr(obj, field.attname, getattr(entry, field.attname))
        obj._state.adding = False


@admin.register(ProviderEvent)
class ProviderEventAdmin(admin.ModelAdmin):
    list_display = ("received_at", "provider", "event_type", "outcome", "applicant", "amount", "event_id")
    list_filter = ("provider", "outcome", "event_type")
    list_select_related = ("applicant",)
    search_fields = ("event_id", "applicant__usmle_id")
    readonly_fields = (
        "provider",
        "event_id",
        "event_type",
        "outcome",
        "applicant",
        "amount",
        "ledger_entry",
        "received_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Checkout)
class CheckoutAdmin(ReadOnlyAdmin):
    """Checkouts opened with the provider: at most one open per applicant."""

    list_display = ("created_at", "provider", "status", "applicant", "amount", "session_id")
    list_filter = ("provider", "status")
    list_select_related = ("applicant",)
    search_fields = ("session_id", "applicant__usmle_id")
    readonly_fields = ("applicant", "provider", "session_id", "amount", "status", "created_at", "closed_at")


@admin.register(OverpaymentRefund)
class OverpaymentRefundAdmin(ReadOnlyAdmin):
    """Refunds of payments over the balance. A ``failed`` one was refused by the provider:
    finance staff refund it there by hand and record the refund on the ledger."""

    list_display = ("created_at", "status", "applicant", "amount", "provider", "attempts", "last_error")
    list_filter = ("status", "provider")
    list_select_related = ("applicant",)
    search_fields = ("applicant__usmle_id", "provider_refund_id")
    readonly_fields = (
        "payment",
        "applicant",
        "provider",
        "provider_payment_id",
        "amount",
        "status",
        "provider_refund_id",
        "refund_entry",
        "attempts",
        "last_error",
        "created_at",
        "done_at",
    )
