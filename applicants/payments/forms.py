from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount to pay (US dollars)"),
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text=_("Your outstanding balance, or any part of it."),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}),
        error_messages={
            "required": _("Enter the amount you want to pay."),
            "invalid": _("Enter an amount in dollars and cents, e.g. 125.50."),
            "max_decimal_places": _("Enter the amount in whole cents, e.g. 125.50."),
            "min_value": _("Enter an amount greater than zero."),
        },
    )

    def __init__(self, *args: object, balance: Decimal, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["amount"].widget.attrs["max"] = str(balance)
        self.fields["amount"].initial = balance
