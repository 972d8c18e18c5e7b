"""Each change of the applicant's file sends the applicant exactly one e-mail, once."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail

from applicants.models import ApplicantNotification, LedgerEntry
from applicants.services.ledger import ledger_post
from applicants.services.profile import identity_change_request_create, identity_change_request_decide
from applicants.tests.factories import ApplicantFactory
from applicants.tests.notification_helpers import staff
from credentials.models import Document
from credentials.services.documents import document_decide
from credentials.tests.factories import DocumentFactory
from exams.models import Exam
from exams.services import exam_application_create, exam_result_record
from exams.tests.factories import applied_for, sitting_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("to_status", "subject"),
    [
        (Document.Status.VERIFIED, "Your document has been verified"),
        (Document.Status.REJECTED, "Your document was not accepted"),
        (Document.Status.UNABLE_TO_VERIFY, "ECFMG could not verify your document"),
    ],
)
def test_a_staff_decision_on_a_document_emails_the_applicant_once(
    django_capture_on_commit_callbacks, to_status, subject
):
    status = Document.Status.SENT_FOR_VERIFICATION if to_status == "unable_to_verify" else "received"
    document = DocumentFactory(kind=Document.Kind.TRANSLATION, status=status)
    applied_for(document.applicant)  # credentials are processed from the first exam application (R-ED-3)
    with django_capture_on_commit_callbacks(execute=True):
        document_decide(document=document, to_status=to_status, actor=staff(), reason="Unreadable scan")
    [message] = mail.outbox
    assert message.to == [document.applicant.user.email]
    assert message.subject == subject
    assert "Official English translation of the diploma" in message.body
    assert "Unreadable scan" not in message.body  # the reason is read signed in
    notification = ApplicantNotification.objects.get()
    assert notification.key.startswith(f"document:{document.pk}:{to_status}:")
    assert notification.status == ApplicantNotification.Status.SENT


def test_sending_a_document_for_verification_is_not_announced(django_capture_on_commit_callbacks):
    document = DocumentFactory(kind=Document.Kind.TRANSLATION)
    applied_for(document.applicant)  # credentials are processed from the first exam application (R-ED-3)
    with django_capture_on_commit_callbacks(execute=True):
        document_decide(document=document, to_status=Document.Status.SENT_FOR_VERIFICATION, actor=staff())
    assert mail.outbox == []
    assert not ApplicantNotification.objects.exists()


def test_unable_to_verify_twice_after_a_new_attempt_is_announced_twice(django_capture_on_commit_callbacks):
    # The only decision a document can receive twice; each is news to the applicant.
    document = DocumentFactory(kind=Document.Kind.TRANSLATION, status=Document.Status.SENT_FOR_VERIFICATION)
    applied_for(document.applicant)  # credentials are processed from the first exam application (R-ED-3)
    reviewer = staff()
    with django_capture_on_commit_callbacks(execute=True):
        document_decide(document=document, to_status="unable_to_verify", actor=reviewer, reason="No answer")
        document_decide(document=document, to_status="sent_for_verification", actor=reviewer)
        document_decide(document=document, to_status="unable_to_verify", actor=reviewer, reason="No answer")
    assert len(mail.outbox) == 2


def test_a_new_exam_result_emails_once_and_a_replay_sends_nothing(django_capture_on_commit_callbacks):
    applicant = ApplicantFactory()
    sitting_for(applicant, Exam.STEP1, datetime.date(2025, 3, 3))
    args = {"applicant": applicant, "exam": Exam.STEP1, "test_date": datetime.date(2025, 3, 3)}
    with django_capture_on_commit_callbacks(execute=True):
        result, created = exam_result_record(**args, outcome="pass", score=231)
    assert created
    with django_capture_on_commit_callbacks(execute=True) as replayed:
        _, created_again = exam_result_record(**args, outcome="pass", score=231)
    assert not created_again
    assert replayed == []  # nothing queued by the replay
    [message] = mail.outbox
    assert message.subject == "Your USMLE Step 1 result is available"
    assert "3 March 2025" in message.body
    assert "231" not in message.body  # the score is read signed in
    assert ApplicantNotification.objects.get().key == f"exam_result:{result.pk}"


def test_a_payment_emails_once_and_the_same_reference_again_sends_nothing(django_capture_on_commit_callbacks):
    applicant = ApplicantFactory()
    payment = {
        "applicant": applicant,
        "kind": LedgerEntry.Kind.PAYMENT,
        "amount": Decimal("950.00"),
        "description": "Card payment",
        "reference": "stripe:cs_test_1",
    }
    with django_capture_on_commit_callbacks(execute=True):
        entry, _ = ledger_post(**payment)
    with django_capture_on_commit_callbacks(execute=True) as replayed:
        again, created = ledger_post(**payment)
    assert (again.pk, created, replayed) == (entry.pk, False, [])
    [message] = mail.outbox
    assert message.subject == "We received your payment of $950.00"
    assert "$950.00" in message.body
    assert message.attachments[0][2] == "application/pdf"  # the receipt
    assert ApplicantNotification.objects.get().key == f"payment:{entry.pk}"


@pytest.mark.parametrize(
    ("kind", "amount", "subject"),
    [
        (LedgerEntry.Kind.REFUND, Decimal("100.00"), "We refunded $100.00 to you"),
        (LedgerEntry.Kind.ADJUSTMENT, Decimal("-25.00"), "A credit has been applied to your account"),
    ],
)
def test_a_refund_or_a_credit_emails_once(django_capture_on_commit_callbacks, kind, amount, subject):
    with django_capture_on_commit_callbacks(execute=True):
        ledger_post(applicant=ApplicantFactory(), kind=kind, amount=amount, description="Goodwill")
    [message] = mail.outbox
    assert message.subject == subject
    assert f"${abs(amount)}" in message.body


@pytest.mark.parametrize(
    ("kind", "amount"),
    [(LedgerEntry.Kind.CHARGE, Decimal("100.00")), (LedgerEntry.Kind.ADJUSTMENT, Decimal("40.00"))],
)
def test_charges_and_debits_are_not_announced(django_capture_on_commit_callbacks, kind, amount):
    with django_capture_on_commit_callbacks(execute=True):
        ledger_post(applicant=ApplicantFactory(), kind=kind, amount=amount, description="Fee")
    assert mail.outbox == []


def test_applying_for_an_exam_emails_its_fee_once_with_the_permit(django_capture_on_commit_callbacks):
    """Issue 12: every charge is e-mailed, with the eligibility period and the permit."""
    applicant = ApplicantFactory()
    DocumentFactory(applicant=applicant, kind=Document.Kind.DIPLOMA)
    with django_capture_on_commit_callbacks(execute=True):
        application = exam_application_create(applicant=applicant, exam=Exam.STEP1)
    [message] = mail.outbox
    assert message.subject == "Your application for USMLE Step 1: $1,000.00 charged"
    assert f"{application.eligibility_end.day} {application.eligibility_end:%B %Y}" in message.body
    assert f"/exams/{application.pk}/permit/" in message.body
    assert ApplicantNotification.objects.get().key == f"exam_fee:{application.fee_id}"


@pytest.mark.parametrize(
    ("approve", "subject"),
    [(True, "Your correction request has been approved"), (False, "Your correction request was declined")],
)
def test_a_decided_correction_request_emails_once(django_capture_on_commit_callbacks, approve, subject):
    applicant = ApplicantFactory(last_name="Sharma")
    request = identity_change_request_create(
        applicant=applicant, changes={"last_name": "Sharma-Rao"}, reason="My diploma says Sharma-Rao."
    )
    with django_capture_on_commit_callbacks(execute=True):
        identity_change_request_decide(change_request=request, approve=approve, actor=staff())
    [message] = mail.outbox
    assert message.subject == subject
    assert "last name" in message.body
    status = "approved" if approve else "declined"
    assert ApplicantNotification.objects.get().key == f"identity_change:{request.pk}:{status}"
