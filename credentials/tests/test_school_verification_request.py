"""Staff send a diploma to its school: request row, diploma state, one e-mail per step."""

from __future__ import annotations

import pytest
from django.core import mail

from credentials.models import Document, DocumentEvent, SchoolVerificationRequest, VerificationEmail
from credentials.services.school_verification import school_verification_request, token_hash
from credentials.tests.factories import DocumentFactory, SchoolFactory
from credentials.tests.school_support import diploma_for, staff_user, token_in
from ecfmg_portal.audit.models import AuditEntry
from ecfmg_portal.errors import Conflict, DomainError

pytestmark = pytest.mark.django_db


def test_it_creates_the_request_moves_the_diploma_and_emails_the_school_once(
    django_capture_on_commit_callbacks,
):
    diploma = diploma_for()
    staff = staff_user()
    with django_capture_on_commit_callbacks(execute=True):
        verification = school_verification_request(document=diploma, actor=staff)

    diploma.refresh_from_db()
    assert diploma.status == Document.Status.SENT_FOR_VERIFICATION
    assert verification.contact_email == diploma.applicant.school.verification_email
    event = DocumentEvent.objects.filter(document=diploma).latest("at")
    assert (event.from_status, event.to_status, event.actor) == ("received", "sent_for_verification", staff)
    assert AuditEntry.objects.filter(action="school_verification.requested", actor=staff).exists()

    to_school = [m for m in mail.outbox if m.to == [verification.contact_email]]
    assert len(to_school) == 1
    message = to_school[0]
    assert diploma.applicant.full_name in message.body
    assert message.attachments == []  # the diploma itself never travels by e-mail
    # Only the hash of the secret is stored; the e-mailed token matches it.
    token = token_in(message.body)
    assert token_hash(token) == verification.token_hash
    assert token not in str(SchoolVerificationRequest.objects.values().get(pk=verification.pk))
    to_applicant = [m for m in mail.outbox if m.to == [diploma.applicant.user.email]]
    assert len(to_applicant) == 1 and "sent for verification" in to_applicant[0].body
    assert set(VerificationEmail.objects.values_list("step", "status")) == {
        ("request", "sent"),
        ("applicant-sent", "sent"),
    }


def test_a_second_request_for_the_same_diploma_is_refused():
    diploma = diploma_for()
    school_verification_request(document=diploma, actor=staff_user())
    diploma.status = Document.Status.RECEIVED  # even if someone reset the status by hand
    diploma.save()
    with pytest.raises(Conflict):
        school_verification_request(document=diploma, actor=staff_user())
    assert SchoolVerificationRequest.objects.count() == 1


def test_it_refuses_a_document_that_is_not_a_diploma():
    translation = DocumentFactory(kind=Document.Kind.TRANSLATION)
    with pytest.raises(DomainError) as caught:
        school_verification_request(document=translation, actor=staff_user())
    assert caught.value.code == "not_a_diploma"


def test_it_refuses_when_the_school_has_no_verification_contact():
    diploma = diploma_for()
    diploma.applicant.school = SchoolFactory(verification_email="")
    diploma.applicant.save()
    with pytest.raises(DomainError) as caught:
        school_verification_request(document=diploma, actor=staff_user())
    assert caught.value.code == "no_school_contact"
    diploma.refresh_from_db()
    assert diploma.status == Document.Status.RECEIVED


def test_nothing_is_emailed_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    diploma = diploma_for()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        school_verification_request(document=diploma, actor=staff_user())
    # Tasks are queued on commit only: nothing was sent inside the transaction.
    assert mail.outbox == []
    assert len(callbacks) >= 2


def test_the_applicants_sent_for_verification_email_gives_the_support_address(
    django_capture_on_commit_callbacks, settings
):
    settings.SUPPORT_EMAIL = "help-desk@ecfmg.test"
    diploma = diploma_for()
    with django_capture_on_commit_callbacks(execute=True):
        school_verification_request(document=diploma, actor=staff_user())
    [to_applicant] = [m for m in mail.outbox if m.to == [diploma.applicant.user.email]]
    assert "Write to help-desk@ecfmg.test" in to_applicant.body
