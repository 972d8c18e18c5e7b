"""Issue 12, item 8: at most one open checkout per applicant (a new one expires the old
with the provider); a payment that still arrives over the balance is recorded and
refunded through the provider, once, both on the ledger (R-PAY-1); every payment and
refund is e-mailed once with a PDF receipt. Stripe is mocked at the SDK boundary."""

from __future__ import annotations

import io
from decimal import Decimal
from unittest import mock

import pytest
import stripe
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from applicants.models import LedgerEntry
from applicants.payments.models import Checkout, OverpaymentRefund
from applicants.payments.providers import RefundFailed
from applicants.payments.services import overpayment_refund_send
from applicants.services.ledger import ledger_balance
from applicants.tests.payment_helpers import (
    STRIPE_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET,
    applicant_owing,
    checkout_completed,
    stripe_signature,
)
from ecfmg_portal.formatting import format_day

pytestmark = pytest.mark.django_db
WEBHOOK = "/account/payments/webhook/stripe/"


@pytest.fixture
def stripe_settings(settings):
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = STRIPE_SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET


@pytest.fixture
def sandbox(settings):
    settings.PAYMENT_PROVIDER = "sandbox"


def _deliver(client, body: bytes):
    return client.post(
        WEBHOOK, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=stripe_signature(body)
    )


def _session(session_id: str) -> mock.Mock:
    return mock.Mock(id=session_id, url=f"https://checkout.stripe.com/c/pay/{session_id}")


def _paid(applicant, *, session: str, cents: int, event: str) -> bytes:
    return checkout_completed(applicant_id=applicant.pk, cents=cents, event_id=event, session_id=session)


# --- one open checkout ---------------------------------------------------------------


def test_opening_a_second_checkout_expires_the_first_with_stripe(client, stripe_settings) -> None:
    applicant = applicant_owing("1000.00")
    client.force_login(applicant.user)
    with (
        mock.patch("stripe.checkout.Session.create", side_effect=[_session("cs_A"), _session("cs_B")]),
        mock.patch("stripe.checkout.Session.expire") as expire,
    ):
        client.post(reverse("payment_start"), {"amount": "1000.00"})  # tab 1
        expire.assert_not_called()
        client.post(reverse("payment_start"), {"amount": "1000.00"})  # tab 2

    expire.assert_called_once_with("cs_A", api_key=STRIPE_SECRET_KEY)
    statuses = dict(Checkout.objects.values_list("session_id", "status"))
    assert statuses == {"cs_A": "closed", "cs_B": "open"}


def test_a_first_checkout_already_closed_at_stripe_does_not_block_a_new_one(client, stripe_settings) -> None:
    applicant = applicant_owing("1000.00")
    client.force_login(applicant.user)
    already = stripe.InvalidRequestError("Only Checkout Sessions with a status of open can be expired", None)
    with (
        mock.patch("stripe.checkout.Session.create", side_effect=[_session("cs_A"), _session("cs_B")]),
        mock.patch("stripe.checkout.Session.expire", side_effect=already),
    ):
        client.post(reverse("payment_start"), {"amount": "1000.00"})
        response = client.post(reverse("payment_start"), {"amount": "1000.00"})
    assert response["Location"].endswith("/cs_B")


def test_stripe_down_while_expiring_opens_no_second_checkout(client, stripe_settings) -> None:
    applicant = applicant_owing("1000.00")
    client.force_login(applicant.user)
    with (
        mock.patch(
            "stripe.checkout.Session.create", side_effect=[_session("cs_A"), _session("cs_B")]
        ) as create,
        mock.patch("stripe.checkout.Session.expire", side_effect=stripe.APIConnectionError("down")),
    ):
        client.post(reverse("payment_start"), {"amount": "1000.00"})
        response = client.post(reverse("payment_start"), {"amount": "1000.00"})
    assert response.status_code == 200 and "did not answer" in response.content.decode()
    assert create.call_count == 1
    assert list(Checkout.objects.values_list("session_id", "status")) == [("cs_A", "open")]


def test_two_tabs_in_the_sandbox_the_first_tabs_page_can_no_longer_be_paid(client, sandbox) -> None:
    applicant = applicant_owing("1000.00")
    client.force_login(applicant.user)
    first_tab = client.post(reverse("payment_start"), {"amount": "1000.00"})["Location"]
    second_tab = client.post(reverse("payment_start"), {"amount": "1000.00"})["Location"]

    stale = client.post(first_tab)

    assert stale.status_code == 400
    assert "a newer payment was started" in stale.content.decode()
    assert client.get(first_tab).status_code == 400
    assert ledger_balance(applicant=applicant) == Decimal("1000.00")
    client.post(second_tab)
    assert ledger_balance(applicant=applicant) == Decimal("0.00")


def test_one_open_checkout_per_applicant_is_a_database_rule() -> None:
    from django.db import IntegrityError, transaction

    applicant = applicant_owing("10.00")
    Checkout.objects.create(applicant=applicant, provider="sandbox", session_id="a", amount=Decimal("10"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Checkout.objects.create(applicant=applicant, provider="sandbox", session_id="b", amount=Decimal("10"))


# --- a payment over the balance is refunded -----------------------------------------------


def test_a_second_payment_over_the_balance_is_recorded_and_refunded_through_stripe(
    client, stripe_settings, django_capture_on_commit_callbacks
) -> None:
    applicant = applicant_owing("1000.00")
    refund = mock.Mock(id="re_1")
    with (
        mock.patch("stripe.Refund.create", return_value=refund) as create,
        django_capture_on_commit_callbacks(execute=True),
    ):
        _deliver(client, _paid(applicant, session="cs_A", cents=100000, event="evt_a"))
        _deliver(client, _paid(applicant, session="cs_B", cents=100000, event="evt_b"))

    kinds = list(LedgerEntry.objects.filter(applicant=applicant).values_list("kind", "amount"))
    assert kinds == [
        ("charge", Decimal("1000.00")),
        ("payment", Decimal("-1000.00")),
        ("payment", Decimal("-1000.00")),
        ("refund", Decimal("1000.00")),
    ]
    assert ledger_balance(applicant=applicant) == Decimal("0.00")
    create.assert_called_once()
    params = create.call_args.kwargs
    assert (params["amount"], params["payment_intent"]) == (100000, "cs_B")
    assert params["idempotency_key"] == OverpaymentRefund.objects.get().idempotency_key
    done = OverpaymentRefund.objects.get()
    assert (done.status, done.provider_refund_id, done.refund_entry.kind) == ("done", "re_1", "refund")


def test_only_the_part_over_the_balance_is_refunded(
    client, stripe_settings, django_capture_on_commit_callbacks
):
    applicant = applicant_owing("1000.00")
    with (
        mock.patch("stripe.Refund.create", return_value=mock.Mock(id="re_1")) as create,
        django_capture_on_commit_callbacks(execute=True),
    ):
        _deliver(client, _paid(applicant, session="cs_A", cents=60000, event="evt_a"))
        _deliver(client, _paid(applicant, session="cs_B", cents=100000, event="evt_b"))
    assert create.call_args.kwargs["amount"] == 60000
    assert ledger_balance(applicant=applicant) == Decimal("0.00")


def test_a_replayed_webhook_refunds_once(client, stripe_settings, django_capture_on_commit_callbacks) -> None:
    applicant = applicant_owing("1000.00")
    second = _paid(applicant, session="cs_B", cents=100000, event="evt_b")
    with (
        mock.patch("stripe.Refund.create", return_value=mock.Mock(id="re_1")) as create,
        django_capture_on_commit_callbacks(execute=True),
    ):
        _deliver(client, _paid(applicant, session="cs_A", cents=100000, event="evt_a"))
        _deliver(client, second)
        _deliver(client, second)
        _deliver(client, second)
    create.assert_called_once()
    assert LedgerEntry.objects.filter(applicant=applicant, kind="refund").count() == 1
    assert ledger_balance(applicant=applicant) == Decimal("0.00")


def test_a_refund_task_run_twice_refunds_once_with_the_same_key(client, stripe_settings) -> None:
    applicant = applicant_owing("1000.00")
    _deliver(client, _paid(applicant, session="cs_A", cents=100000, event="evt_a"))
    _deliver(client, _paid(applicant, session="cs_B", cents=100000, event="evt_b"))
    refund = OverpaymentRefund.objects.get()
    with mock.patch("stripe.Refund.create", return_value=mock.Mock(id="re_1")) as create:
        overpayment_refund_send(refund_id=refund.pk)
        overpayment_refund_send(refund_id=refund.pk)
    assert create.call_count == 1
    assert LedgerEntry.objects.filter(applicant=applicant, kind="refund").count() == 1


def test_stripe_down_leaves_the_refund_pending_and_visible_then_it_is_sent(client, stripe_settings) -> None:
    applicant = applicant_owing("1000.00")
    _deliver(client, _paid(applicant, session="cs_A", cents=100000, event="evt_a"))
    _deliver(client, _paid(applicant, session="cs_B", cents=100000, event="evt_b"))
    refund = OverpaymentRefund.objects.get()
    with (
        mock.patch("stripe.Refund.create", side_effect=stripe.APIConnectionError("down")),
        pytest.raises(RefundFailed) as failed,
    ):
        overpayment_refund_send(refund_id=refund.pk)
    assert failed.value.transient
    refund.refresh_from_db()
    assert refund.status == "pending" and refund.attempts == 1
    client.force_login(applicant.user)
    page = client.get(reverse("ledger")).content.decode()
    assert 'data-testid="refund-on-the-way"' in page and "We are refunding $1,000.00" in page

    with mock.patch("stripe.Refund.create", return_value=mock.Mock(id="re_1")):
        overpayment_refund_send(refund_id=refund.pk)
    assert ledger_balance(applicant=applicant) == Decimal("0.00")


def test_a_refund_stripe_refuses_is_left_for_finance_staff(client, stripe_settings) -> None:
    applicant = applicant_owing("1000.00")
    _deliver(client, _paid(applicant, session="cs_A", cents=100000, event="evt_a"))
    _deliver(client, _paid(applicant, session="cs_B", cents=100000, event="evt_b"))
    refund = OverpaymentRefund.objects.get()
    refused = stripe.InvalidRequestError("charge already refunded", None)
    with mock.patch("stripe.Refund.create", side_effect=refused):
        overpayment_refund_send(refund_id=refund.pk)
    refund.refresh_from_db()
    assert refund.status == "failed" and "refused" in refund.last_error


def test_two_sandbox_tabs_paid_anyway_are_refunded_through_the_sandbox(
    client, sandbox, django_capture_on_commit_callbacks
) -> None:
    # The race the expiry cannot close: both pages confirmed before the second was opened.
    from applicants.payments.providers import payment_provider
    from applicants.payments.services import payment_sandbox_confirm

    applicant = applicant_owing("1000.00")
    client.force_login(applicant.user)
    first = client.post(reverse("payment_start"), {"amount": "1000.00"})["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(first)
        provider = payment_provider()
        started = provider.start_checkout(applicant, Decimal("1000.00"))
        Checkout.objects.create(
            applicant=applicant, provider="sandbox", session_id=started.session_id, amount=Decimal("1000.00")
        )
        payment_sandbox_confirm(applicant=applicant, token=started.url.rstrip("/").rsplit("/", 1)[1])

    assert ledger_balance(applicant=applicant) == Decimal("0.00")
    assert OverpaymentRefund.objects.get().provider_refund_id.startswith("sbre_")
    page = client.get(reverse("ledger")).content.decode()
    assert "Refund of the amount paid over your balance" in page


# --- every payment and refund e-mailed once, with a receipt ----------------------------------


def _pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_each_payment_and_refund_is_emailed_once_with_a_pdf_receipt(
    client, stripe_settings, django_capture_on_commit_callbacks
) -> None:
    applicant = applicant_owing("1000.00", given_names="Ana", last_name="Núñez")
    second = _paid(applicant, session="cs_B", cents=100000, event="evt_b")
    with (
        mock.patch("stripe.Refund.create", return_value=mock.Mock(id="re_1")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _deliver(client, _paid(applicant, session="cs_A", cents=100000, event="evt_a"))
        _deliver(client, second)
        _deliver(client, second)  # a replay e-mails nothing

    subjects = [message.subject for message in mail.outbox]
    assert subjects == [
        "We received your payment of $1,000.00",
        "We received your payment of $1,000.00",
        "We refunded $1,000.00 to you",
    ]
    today = format_day(LedgerEntry.objects.filter(kind="refund").get().created_at)
    for message in mail.outbox:
        [(filename, content, mimetype)] = message.attachments
        assert mimetype == "application/pdf" and filename.startswith("ecfmg-receipt-")
        text = _pdf_text(content)
        assert "$1,000.00" in text and today in text and "Ana Núñez" in text
        assert today in message.body
    assert "Refund receipt" in _pdf_text(mail.outbox[2].attachments[0][1])
    assert "Balance after this refund $0.00" in _pdf_text(mail.outbox[2].attachments[0][1])
