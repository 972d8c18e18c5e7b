"""Paying in Chromium: an applicant who applied for Step 1 owes its fee, pays it through
the sandbox provider (the same webhook path as Stripe) and sees a zero balance."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from applicants.payments.models import ProviderEvent
from applicants.services.ledger import ledger_balance
from applicants.tests.factories import ApplicantFactory
from credentials.tests.factories import DocumentFactory
from exams.services import exam_application_create

from .conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery-9"  # applicants.tests.factories.UserFactory's


def test_an_applicant_pays_the_step_1_fee_through_the_sandbox(page: Any, site: Site, settings: Any) -> None:
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.PRODUCTION = False
    applicant = ApplicantFactory(user__email="kwame.mensah@example.com")
    DocumentFactory(applicant=applicant)  # the diploma, sent before the first application (R-ED-4)
    exam_application_create(applicant=applicant, exam="STEP1")
    assert ledger_balance(applicant=applicant) == Decimal("1000.00")

    page.goto(site.at("/login/"))
    page.get_by_label("E-mail address").fill("kwame.mensah@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/dashboard/$"))

    page.goto(site.at("/account/ledger/"))
    assert page.inner_text("[data-testid=balance]") == "$1,000.00"
    assert "Application fee: USMLE Step 1" in page.inner_text("table")
    page.get_by_role("link", name="Pay now").click()

    # More than is owed is refused next to the field; the whole balance is suggested.
    amount = page.get_by_label("Amount to pay (US dollars)")
    assert amount.input_value() == "1000.00"
    amount.fill("1500.00")
    page.get_by_role("button", name="Continue to payment").click()
    assert "You can pay at most your outstanding balance, $1,000.00." in page.inner_text("#id_amount_error")
    assert page.locator(".error-summary").is_visible()

    page.get_by_label("Amount to pay (US dollars)").fill("1000.00")
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url(re.compile(r"/account/pay/sandbox/"))
    assert page.inner_text("[data-testid=sandbox-amount]") == "$1,000.00"
    page.get_by_role("button", name="Confirm payment").click()

    page.wait_for_url(re.compile(r"/account/ledger/$"))
    assert page.inner_text("[data-testid=balance]") == "$0.00"
    assert "Payment of $1,000.00 received. Thank you." in page.inner_text("main")
    assert "Online payment (sandbox)" in page.inner_text("table")
    assert page.get_by_role("link", name="Pay now").count() == 0
    site.screenshot(page, "ledger")

    assert ledger_balance(applicant=applicant) == Decimal("0.00")
    assert ProviderEvent.objects.get().outcome == "applied"
