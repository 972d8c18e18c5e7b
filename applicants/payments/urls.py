"""Mounted at ``account/`` by ecfmg_portal/urls.py."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("ledger/", views.ledger, name="ledger"),
    path("pay/", views.pay, name="payment_start"),
    path("pay/sandbox/<str:token>/", views.sandbox_checkout, name="payment_sandbox_checkout"),
    path("payments/webhook/<slug:provider>/", views.webhook, name="payment_webhook"),
]
