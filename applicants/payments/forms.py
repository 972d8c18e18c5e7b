from __future__ import annotations

from decimal import Decimal

from django import forms


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label="Amount to pay (US dollars)",
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text="Your outstanding balance, or any part of it.",
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}),
        error_messages={
            "required": "Enter the amount you want to pay.",
            "invalid": "Enter an amount in dollars and cents, e.g. 125.50.",
            "max_decimal_places": "Enter the amount in whole cents, e.g. 125.50.",
            "min_value": "Enter an amount greater than zero.",
        },
    )

    def __init__(self, *args: object, balance: Decimal, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["amount"].widget.attrs["max"] = str(balance)
        self.fields["amount"].initial = balance
