"""Issue 12, items 6 and 8 in Chromium at phone width: the identity form keeps every
value and shows every problem, the answers are checked before the ID is issued; two
checkouts in two tabs cannot both be paid, and a payment that still arrives over the
balance is refunded, both on the ledger."""

from __future__ import annotations

import datetime
import re
import threading
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import connections
from django.utils import timezone

from applicants.models import Applicant, LedgerEntry
from applicants.payments.models import Checkout
from applicants.payments.providers import payment_provider
from applicants.payments.services import payment_sandbox_confirm
from applicants.services.ledger import ledger_balance
from applicants.tests.payment_helpers import applicant_owing
from applicants.tests.portal_helpers import PASSWORD, make_new_applicant
from credentials.tests.factories import SchoolFactory
from tests.support.axe import assert_accessible

from .conftest import PHONE, Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page: Any, site: Site, email: str) -> None:
    page.goto(site.at("/login/"))
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/dashboard/$"))


def test_identity_errors_keep_the_school_then_answers_are_checked_before_the_id(
    page: Any, site: Site
) -> None:
    school = SchoolFactory(
        name="Cairo University Faculty of Medicine",
        city="Cairo",
        country="EG",
        former_names="Kasr Al Ainy Faculty of Medicine",
    )
    SchoolFactory(name="Alexandria Faculty of Medicine", city="Alexandria", country="EG")
    applicant = make_new_applicant(email="layla.el-sayed@example.com")
    _log_in(page, site, applicant.user.email)

    page.goto(site.at("/identity/"))
    assert "YYYY" not in page.inner_text("main")  # the hint matches the date picker
    page.get_by_label("Given names").fill("Layla 🌸")
    page.get_by_label("Last name (family name)").fill("El-Sayed")
    page.get_by_label("Date of birth").fill("1997-04-09")
    page.get_by_label("Country of citizenship").select_option("EG")
    page.locator("#id_school_q").fill("Kasr")  # a former name finds the school
    page.wait_for_selector(f"#id_school option[value='{school.pk}']", state="attached")
    page.locator("#id_school").select_option(str(school.pk))
    graduated = timezone.localdate() - datetime.timedelta(days=500)
    page.get_by_label("Graduation date").fill(graduated.isoformat())
    page.get_by_label("Academic years of credit at this school").fill("0")
    page.get_by_role("button", name="Continue: check my answers").click()

    # Both problems at once, linked; every value kept, the chosen school too.
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert summary.get_by_role("link").count() == 2
    assert page.locator("#id_school").input_value() == str(school.pk)
    assert page.get_by_label("Last name (family name)").input_value() == "El-Sayed"
    site.screenshot(page, "identity-errors-kept")
    assert_accessible(page, label="identity form with errors")

    page.get_by_label("Given names").fill("Layla")
    page.get_by_label("Academic years of credit at this school").fill("5.5")
    page.get_by_role("button", name="Continue: check my answers").click()
    page.wait_for_url(re.compile(r"/identity/check/$"))
    answers = page.inner_text("[data-testid=answers]")
    assert "Cairo University Faculty of Medicine" in answers and "5.5 years" in answers
    assert "9 April 1997" in answers
    site.screenshot(page, "identity-check-answers")
    assert_accessible(page, label="check your answers")
    assert Applicant.objects.get(pk=applicant.pk).usmle_id is None

    # "Change" goes back to the form, with the answers in it.
    page.get_by_role("link", name="Change last name (family name)").click()
    page.wait_for_url(re.compile(r"/identity/#id_last_name$"))
    assert page.get_by_label("Given names").input_value() == "Layla"
    page.get_by_role("button", name="Continue: check my answers").click()
    page.wait_for_url(re.compile(r"/identity/check/(#.*)?$"))  # the browser keeps the fragment
    page.get_by_role("button", name="Confirm and get my USMLE/ECFMG ID").click()
    page.wait_for_url(re.compile(r"/dashboard/(#.*)?$"))
    usmle_id = Applicant.objects.get(pk=applicant.pk).usmle_id
    assert usmle_id and usmle_id in page.inner_text("main")


@pytest.fixture
def tabs(browser: Any) -> Iterator[Any]:
    """Like ``page``, but the stale tab's answer is a 400 by design: the only console
    error allowed is that one resource status."""
    context = browser.new_context(viewport=PHONE, locale="en-US")
    context.set_default_timeout(15_000)
    problems: list[str] = []
    first = context.new_page()
    first.on("pageerror", lambda error: problems.append(str(error)))
    yield first
    context.close()
    connections.close_all()
    assert problems == []


def test_two_tabs_cannot_both_pay_and_an_overpayment_is_refunded(
    tabs: Any, site: Site, settings: Any
) -> None:
    page = tabs
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.PRODUCTION = False
    applicant = applicant_owing("1000.00", user__email="tomas.nunez@example.com")
    _log_in(page, site, applicant.user.email)

    def open_checkout(tab: Any) -> None:
        tab.goto(site.at("/account/pay/"))
        tab.get_by_role("button", name="Continue to payment").click()
        tab.wait_for_url(re.compile(r"/account/pay/sandbox/"))

    open_checkout(page)
    second_tab = page.context.new_page()
    open_checkout(second_tab)

    page.get_by_role("button", name="Confirm payment").click()  # the first tab's old page
    assert "a newer payment was started" in page.inner_text(".error-summary")
    site.screenshot(page, "payment-old-tab-expired")
    assert ledger_balance(applicant=applicant) == Decimal("1000.00")

    second_tab.get_by_role("button", name="Confirm payment").click()
    second_tab.wait_for_url(re.compile(r"/account/ledger/$"))
    assert second_tab.inner_text("[data-testid=balance]") == "$0.00"
    second_tab.close()

    # The race expiry cannot close: a checkout paid at the provider after the balance was
    # settled. It is recorded, then refunded through the provider (the sandbox here).
    def paid_at_the_provider() -> None:
        started = payment_provider().start_checkout(applicant, Decimal("1000.00"))
        Checkout.objects.create(
            applicant=applicant, provider="sandbox", session_id=started.session_id, amount=Decimal("1000.00")
        )
        payment_sandbox_confirm(applicant=applicant, token=started.url.rstrip("/").rsplit("/", 1)[1])
        connections.close_all()

    # In a thread of its own, as a webhook is: this one runs Playwright's event loop, and
    # the receipt's signature (pyHanko) runs one of its own.
    worker = threading.Thread(target=paid_at_the_provider)
    worker.start()
    worker.join()

    page.goto(site.at("/account/ledger/"))
    table = page.inner_text("table")
    assert table.count("Online payment (sandbox)") == 2
    assert "Refund of the amount paid over your balance (sandbox)" in table
    assert page.inner_text("[data-testid=balance]") == "$0.00"
    site.screenshot(page, "ledger-overpayment-refunded")
    assert_accessible(page, label="ledger with a refund")
    assert list(LedgerEntry.objects.filter(applicant=applicant).values_list("kind", flat=True)) == [
        "charge",
        "payment",
        "payment",
        "refund",
    ]
