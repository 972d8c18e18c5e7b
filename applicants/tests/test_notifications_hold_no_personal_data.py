"""What the applicant is e-mailed says what changed, not what is in the file: no date of
birth, nobody else's name, no reason, score, requested value or document."""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail

from applicants.models import ApplicantNotification, LedgerEntry
from applicants.payments.receipts import receipt_filename
from applicants.services.ledger import ledger_post
from applicants.services.profile import identity_change_request_create, identity_change_request_decide
from applicants.tests.factories import ApplicantFactory
from applicants.tests.notification_helpers import staff
from credentials.models import Document
from credentials.services.documents import document_decide
from credentials.tests.factories import DocumentFactory
from exams.services import exam_result_record
from exams.tests.factories import sitting_for

pytestmark = pytest.mark.django_db
BORN = datetime.date(1991, 7, 23)
BIRTH_DATE_FORMS = ("1991-07-23", "23 July 1991", "July 23, 1991", "23/07/1991", "07/23/1991")


def test_no_email_body_holds_personal_data_beyond_the_change(django_capture_on_commit_callbacks, caplog):
    applicant = ApplicantFactory(given_names="Amara", last_name="Okafor", date_of_birth=BORN)
    other = ApplicantFactory(given_names="Bongani", last_name="Dlamini")
    reviewer = staff()
    reviewer.first_name, reviewer.last_name = "Rita", "Reviewer"
    reviewer.save()
    document = DocumentFactory(
        applicant=applicant, kind=Document.Kind.TRANSLATION, original_name="scan-amara.pdf"
    )
    request = identity_change_request_create(
        applicant=applicant,
        changes={"date_of_birth": datetime.date(1991, 7, 24)},
        reason="Typo in my birth date.",
    )
    # The sitting is also the first exam application, which opens the review of the
    # documents (R-ED-3), so it comes before the decision on the translation.
    sitting_for(applicant, "STEP1", datetime.date(2025, 3, 3))
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        document_decide(
            document=document, to_status="rejected", actor=reviewer, reason="Seal of Dr. Mensah missing"
        )
        exam_result_record(
            applicant=applicant, exam="STEP1", test_date=datetime.date(2025, 3, 3), outcome="fail", score=187
        )
        payment, _ = ledger_post(
            applicant=applicant, kind=LedgerEntry.Kind.PAYMENT, amount=Decimal("75.00"), description="Card"
        )
        identity_change_request_decide(
            change_request=request, approve=False, actor=reviewer, note="Passport differs"
        )
    assert len(mail.outbox) == 4
    assert ApplicantNotification.objects.filter(applicant=applicant, status="sent").count() == 4
    forbidden = [
        *BIRTH_DATE_FORMS,
        "24 July 1991",
        "1991-07-24",
        other.given_names,
        other.last_name,
        reviewer.email,
        "Rita",
        "Reviewer",
        "Mensah",
        "187",
        "fail",
        "Passport differs",
        "Typo in my birth date",
        "scan-amara",
        applicant.usmle_id,
    ]
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}"
        assert message.to == [applicant.user.email]
        # Never the document itself; the one attachment is the payment's own receipt.
        receipt = [(receipt_filename(payment), "application/pdf")] if "payment" in message.subject else []
        assert [(name, mimetype) for name, _, mimetype in message.attachments] == receipt
        assert f"{settings.SITE_URL}/dashboard/" in message.body
        for value in forbidden:
            assert value not in text, (value, message.subject)
    # The logs say which row was sent, never to whom.
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for value in (applicant.user.email, applicant.given_names, applicant.last_name):
        assert value not in logged
