"""R-ED-3: a graduate's diploma uploaded before the first exam application is kept but
held: staff cannot review it or send it to the school until the applicant has applied,
and the staff list shows it as waiting, with why."""

from __future__ import annotations

import pytest

from applicants.tests.factories import ApplicantFactory
from credentials.models import Document, SchoolVerificationRequest
from credentials.services.documents import document_decide, document_processing_hold
from credentials.services.school_verification import school_verification_request
from credentials.tests.factories import DocumentFactory
from credentials.tests.school_support import staff_user, verified_staff_client
from ecfmg_portal.errors import DomainError
from exams.tests.factories import applied_for

pytestmark = pytest.mark.django_db


def _held_diploma() -> Document:
    return DocumentFactory(applicant=ApplicantFactory(), kind=Document.Kind.DIPLOMA)


def test_a_diploma_sent_before_the_first_application_is_kept_but_held() -> None:
    diploma = _held_diploma()
    assert diploma.status == Document.Status.RECEIVED
    assert "has not applied for an exam yet" in (document_processing_hold(document=diploma) or "")


@pytest.mark.parametrize(
    "act",
    [
        pytest.param(lambda d: school_verification_request(document=d, actor=None), id="send to the school"),
        pytest.param(lambda d: document_decide(document=d, to_status="verified", actor=None), id="verify"),
        pytest.param(
            lambda d: document_decide(document=d, to_status="rejected", actor=None, reason="x"), id="reject"
        ),
    ],
)
def test_staff_cannot_process_a_held_diploma(act) -> None:
    diploma = _held_diploma()
    with pytest.raises(DomainError) as refused:
        act(diploma)
    assert refused.value.code == "held_before_first_application"
    diploma.refresh_from_db()
    assert diploma.status == Document.Status.RECEIVED
    assert not SchoolVerificationRequest.objects.exists()


def test_once_the_applicant_has_applied_the_diploma_goes_to_the_school() -> None:
    diploma = _held_diploma()
    applied_for(diploma.applicant)
    assert document_processing_hold(document=diploma) is None
    assert school_verification_request(document=diploma, actor=None).pk


def test_what_the_school_sends_is_never_held() -> None:
    transcript = DocumentFactory(kind=Document.Kind.FINAL_TRANSCRIPT, source=Document.Source.SCHOOL)
    assert document_processing_hold(document=transcript) is None


def test_the_staff_list_shows_a_held_diploma_as_waiting_with_why() -> None:
    held = _held_diploma()
    ready = DocumentFactory(kind=Document.Kind.DIPLOMA)
    applied_for(ready.applicant)
    page = verified_staff_client(staff_user()).get("/admin/credentials/document/?status__exact=received")
    assert page.status_code == 200
    rows = {
        row.split('href="/admin/credentials/document/')[1].split("/")[0]: row
        for row in page.content.decode().split("<tr")[1:]
        if 'href="/admin/credentials/document/' in row
    }
    assert "no exam application yet (R-ED-3)" in rows[str(held.pk)]
    assert "no exam application yet" not in rows[str(ready.pk)]
