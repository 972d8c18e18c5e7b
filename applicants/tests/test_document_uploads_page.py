from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from applicants.tests.portal_helpers import exe_upload, logged_in, make_graduate, make_student, pdf_upload
from credentials.models import Document
from credentials.services.documents import document_decide
from credentials.tests.factories import DocumentFactory
from exams.tests.factories import applied_for

pytestmark = pytest.mark.django_db


def _upload(client: Client, kind: str = "diploma", language: str = "es", file=None):
    return client.post(
        reverse("documents"),
        {"kind": kind, "language": language, "issue_date": "2024-06-30", "file": file or pdf_upload()},
    )


def test_a_graduate_uploads_the_diploma_and_sees_it_received(client: Client) -> None:
    applicant = make_graduate()
    response = _upload(logged_in(client, applicant))
    assert response.status_code == 302
    document = Document.objects.get(applicant=applicant)
    assert (document.kind, document.status, document.language) == ("diploma", "received", "es")
    assert default_storage.exists(document.file.name) and "diploma" not in document.file.name
    page = client.get(reverse("documents")).content.decode()
    assert "Received" in page and "Nothing to do now" in page


def test_a_renamed_program_is_refused_next_to_the_file_field(client: Client) -> None:
    applicant = make_graduate()
    response = _upload(logged_in(client, applicant), file=exe_upload())
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "not a PDF, JPEG, PNG or TIFF" in " ".join(errors["file"])
    assert "Please correct this problem" in response.content.decode()
    assert not Document.objects.exists()


def test_a_student_is_told_when_the_diploma_can_be_sent(client: Client) -> None:
    applicant = make_student()
    logged_in(client, applicant)
    page = client.get(reverse("documents")).content.decode()
    when = f"{applicant.graduation_date.day} {applicant.graduation_date:%B %Y}"
    assert "Apply for your first exam first" in page and f"from {when}" in page
    assert 'data-testid="upload-form"' not in page  # the upload would be refused: no form
    response = _upload(client)
    assert response.status_code == 200
    assert when in " ".join(response.context["form"].errors["kind"])


def test_a_translation_must_be_in_english(client: Client) -> None:
    applicant = make_graduate()
    assert _upload(logged_in(client, applicant), kind="diploma", language="fr").status_code == 302
    response = _upload(client, kind="translation", language="fr")
    assert "The translation must be in English." in " ".join(response.context["form"].errors["language"])


def test_a_rejected_document_shows_the_reason_and_can_be_replaced(client: Client) -> None:
    applicant = make_graduate()
    applied_for(applicant)  # credentials are processed from the first exam application (R-ED-3)
    rejected = DocumentFactory(applicant=applicant)
    document_decide(document=rejected, to_status="rejected", actor=None, reason="The back page is missing.")
    logged_in(client, applicant)
    page = client.get(reverse("documents")).content.decode()
    assert "Rejected" in page and "The back page is missing." in page and "Upload a new copy" in page
    assert _upload(client).status_code == 302
    rejected.refresh_from_db()
    assert rejected.status == Document.Status.REPLACED
    assert Document.objects.filter(applicant=applicant, status="received").count() == 1


def test_documents_page_query_count_does_not_grow_with_documents(
    client: Client, django_assert_num_queries
) -> None:
    applicant = make_graduate(transfer_years=0)
    logged_in(client, applicant)
    client.get(reverse("documents"))
    for kind in ("diploma", "translation", "transfer_transcript"):
        DocumentFactory(applicant=applicant, kind=kind)
    # session, user, applicant (with schools and certificate), the journey's file (one)
    with django_assert_num_queries(4):
        assert client.get(reverse("documents")).status_code == 200
