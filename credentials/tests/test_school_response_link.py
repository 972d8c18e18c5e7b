"""The school's answer page: only a genuine, unused, unexpired link works, and only once."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applicants.tests.factories import ApplicantFactory
from credentials.models import Document, SchoolVerificationRequest
from credentials.services.school_verification import (
    school_verification_change_contact,
    school_verification_request,
)
from credentials.services.verification_emails import link_token
from credentials.tests.school_support import diploma_for, staff_user, transcript_upload, translation_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def verification() -> SchoolVerificationRequest:
    diploma = diploma_for()
    translation_for(diploma.applicant)
    return school_verification_request(document=diploma, actor=staff_user())


def url(verification: SchoolVerificationRequest) -> str:
    return reverse("school:respond", args=[link_token(verification)])


def answer(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "answer": "authentic",
        "official_name": "Dr. Registrar",
        "official_title": "Registrar",
        "comment": "Issued by us.",
        "transcript": transcript_upload(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_it_shows_the_applicant_and_the_documents_in_a_fixed_number_of_queries(
    client, verification, django_assert_num_queries
):
    # 1: the request by token hash (with applicant, school, diploma); 2: the translation.
    with django_assert_num_queries(2):
        response = client.get(url(verification))
    page = response.content.decode()
    assert response.status_code == 200
    applicant = verification.applicant
    assert applicant.full_name in page
    assert "12 April 1995" in page  # date of birth
    assert 'data-testid="document-diploma"' in page and 'data-testid="document-translation"' in page
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_tampered_link_shows_a_clear_not_found_page(client, verification):
    token = link_token(verification)
    tampered = token[:-1] + ("0" if token[-1] != "0" else "1")
    response = client.get(reverse("school:respond", args=[tampered]))
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
    # A control character in the address is refused before any view runs
    # (RefuseControlCharactersMiddleware): a clear 400 page, never a 500.
    response = client.get("/school/respond/%00%27%22/")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "This address is not valid" in page
    assert "The address holds a character that is not allowed." in page
    assert "What to do now:" in page
    # Quotes without a control character still reach the view: its not-found page.
    assert client.get("/school/respond/%27%22/").status_code == 404


def test_an_expired_link_shows_a_clear_gone_page(client, verification):
    with time_machine.travel(verification.link_expires_at + datetime.timedelta(seconds=1)):
        response = client.get(url(verification))
        assert response.status_code == 410
        assert "expired" in response.content.decode()
        # And an answer posted after expiry is refused the same way.
        response = client.post(url(verification), answer())
        assert response.status_code == 410
    verification.refresh_from_db()
    assert verification.status == SchoolVerificationRequest.Status.SENT


def test_authentic_without_the_transcript_is_refused_with_a_message(client, verification):
    response = client.post(url(verification), answer(transcript=None))
    assert response.status_code == 400
    assert "upload the applicant&#x27;s final transcript" in response.content.decode()
    verification.refresh_from_db()
    assert verification.status == SchoolVerificationRequest.Status.SENT


def test_a_transcript_that_is_not_a_real_document_is_refused(client, verification):
    # Named and labelled as a PDF, but an executable: the content decides.
    fake = SimpleUploadedFile("transcript.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(url(verification), answer(transcript=fake))
    assert response.status_code == 400
    assert "not a PDF, JPEG, PNG or TIFF" in response.content.decode()


def test_the_answer_is_recorded_once_and_the_link_then_shows_a_used_page(client, verification):
    response = client.post(url(verification), answer())
    assert response.status_code == 302
    # The thanks page has no token: it is told the school's language (docs/i18n.md).
    assert response["Location"] == reverse("school:thanks") + "?language=en"
    verification.refresh_from_db()
    assert verification.status == SchoolVerificationRequest.Status.ANSWERED
    assert (verification.answer, verification.official_name) == ("authentic", "Dr. Registrar")
    transcript = verification.transcript
    assert transcript is not None
    assert (transcript.kind, transcript.source, transcript.status) == (
        Document.Kind.FINAL_TRANSCRIPT,
        Document.Source.SCHOOL,
        Document.Status.RECEIVED,
    )

    second = client.post(url(verification), answer(answer="not_authentic"))
    assert second.status_code == 410
    assert "already been answered" in second.content.decode()
    assert client.get(url(verification)).status_code == 410
    verification.refresh_from_db()
    assert verification.answer == "authentic"
    assert Document.objects.filter(kind=Document.Kind.FINAL_TRANSCRIPT).count() == 1


def test_cannot_determine_needs_no_transcript(client, verification):
    response = client.post(url(verification), answer(answer="cannot_determine", transcript=None))
    assert response.status_code == 302
    verification.refresh_from_db()
    assert verification.answer == "cannot_determine" and verification.transcript is None


def test_the_documents_download_as_attachments_with_nosniff(client, verification):
    diploma_url = reverse("school:document", args=[link_token(verification), verification.diploma_id])
    response = client.get(diploma_url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_link_opens_only_this_applicants_documents(client, verification):
    # Another applicant's diploma, even a real document id, is not reachable with this token.
    other = diploma_for(ApplicantFactory())
    other_url = reverse("school:document", args=[link_token(verification), other.pk])
    assert client.get(other_url).status_code == 404
    # And another request's token does not open this one's diploma either.
    other_verification = school_verification_request(document=other, actor=staff_user("b@ecfmg.test"))
    cross = reverse("school:document", args=[link_token(other_verification), verification.diploma_id])
    assert client.get(cross).status_code == 404


def test_a_changed_contact_kills_the_old_link(client, verification):
    old_url = url(verification)
    school_verification_change_contact(
        verification=verification, actor=staff_user(), email="new@school.example"
    )
    verification.refresh_from_db()
    assert client.get(old_url).status_code == 404
    assert client.get(url(verification)).status_code == 200
