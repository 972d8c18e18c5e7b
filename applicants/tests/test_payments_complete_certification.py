"""R-PAY-2 end to end: the provider's webhook for the last cent is what issues the
certificate, through ledger_post's announcement and the certificates app's handler."""

from __future__ import annotations

import pytest

from applicants.tests.payment_helpers import (
    STRIPE_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET,
    checkout_completed,
    stripe_signature,
)
from certificates.models import Certificate
from certificates.tests.factories import applicant_with

pytestmark = pytest.mark.django_db
FAKE_PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture(autouse=True)
def _stripe_and_no_weasyprint(settings, monkeypatch):
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = STRIPE_SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET
    # The PDF itself is tested by the certificates app.
    monkeypatch.setattr("certificates.services.render_certificate_pdf_bytes", lambda content: FAKE_PDF)
    monkeypatch.setattr("certificates.services.certificate_pdf_sign", lambda pdf, credential: pdf)


def pay(client, applicant_id: int, cents: int, n: int):
    body = checkout_completed(
        applicant_id=applicant_id, cents=cents, event_id=f"evt_{n}", session_id=f"cs_{n}"
    )
    return client.post(
        "/account/payments/webhook/stripe/",
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=stripe_signature(body),
    )


def test_the_webhook_paying_the_last_cent_issues_the_certificate(
    client, django_capture_on_commit_callbacks
) -> None:
    applicant = applicant_with(charges=("1300.00",))

    with django_capture_on_commit_callbacks(execute=True):
        assert pay(client, applicant.pk, 129999, 1).status_code == 200
    assert not Certificate.objects.filter(applicant=applicant).exists()  # one cent still owed

    with django_capture_on_commit_callbacks(execute=True):
        assert pay(client, applicant.pk, 1, 2).status_code == 200
    assert Certificate.objects.filter(applicant=applicant).count() == 1

    with django_capture_on_commit_callbacks(execute=True):  # a replay changes nothing
        assert pay(client, applicant.pk, 1, 2).json()["applied"] is False
    assert Certificate.objects.filter(applicant=applicant).count() == 1
