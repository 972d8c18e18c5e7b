"""Several files for one document: checked, disarmed and joined into one PDF, each page
shown as a thumbnail before the applicant sends it (issue 12, item 12). Drafts are the
applicant's own: another applicant gets "not found" on every URL."""

from __future__ import annotations

import datetime
import io

import pikepdf
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from applicants.tests.factories import ApplicantFactory
from credentials.models import Document, DocumentDraft
from credentials.tasks import document_drafts_expire
from tests.security.hostile_files import jpeg_bytes, jpeg_with_gps, multi_page_pdf, png_bytes, tiny_arrays_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant_client():
    applicant = ApplicantFactory()
    client = Client()
    client.force_login(applicant.user)
    return applicant, client


def _files(*contents: tuple[str, bytes]) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(name, content) for name, content in contents]


def _post(client: Client, files: list[SimpleUploadedFile]):
    return client.post(reverse("documents"), {"kind": "diploma", "language": "es", "file": files})


def _draft_for(client: Client) -> DocumentDraft:
    response = _post(
        client,
        _files(
            ("front.jpg", jpeg_with_gps()), ("back.png", png_bytes(60, 80)), ("annex.pdf", multi_page_pdf(2))
        ),
    )
    assert response.status_code == 302
    draft = DocumentDraft.objects.get()
    assert response["Location"] == reverse("document_draft", kwargs={"draft_id": draft.pk})
    return draft


def test_several_files_become_one_draft_with_a_thumbnail_of_each_page(applicant_client):
    applicant, client = applicant_client
    draft = _draft_for(client)

    assert draft.applicant == applicant
    assert draft.pages == 4
    assert len(draft.original_sha256.split()) == 3
    assert not Document.objects.filter(applicant=applicant).exists()  # nothing sent yet
    page = client.get(reverse("document_draft", kwargs={"draft_id": draft.pk}))
    assert page.status_code == 200
    assert page.content.count(b'class="page-preview"') == 4
    assert b"Send these 4 pages" in page.content
    thumbnail = client.get(reverse("document_draft_page", kwargs={"draft_id": draft.pk, "page": 2}))
    assert thumbnail.status_code == 200
    assert thumbnail["Content-Type"] == "image/png"
    assert thumbnail["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(thumbnail.content)) as image:
        assert image.width == 240


def test_confirming_sends_one_pdf_of_all_pages_and_removes_the_draft(
    applicant_client, django_capture_on_commit_callbacks
):
    applicant, client = applicant_client
    draft = _draft_for(client)
    draft_files = [draft.file.name, *draft.thumbnails]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("document_draft_send", kwargs={"draft_id": draft.pk}))

    assert response.status_code == 302
    document = Document.objects.get(applicant=applicant)
    assert document.content_type == "application/pdf"
    assert document.language == "es"
    assert document.original_sha256 == draft.original_sha256
    with (
        default_storage.open(document.file.name, "rb") as handle,
        pikepdf.open(io.BytesIO(handle.read())) as pdf,
    ):
        assert len(pdf.pages) == 4
    assert not DocumentDraft.objects.exists()
    assert not any(default_storage.exists(name) for name in draft_files)
    # Sent once: a second confirmation finds nothing.
    assert client.post(reverse("document_draft_send", kwargs={"draft_id": draft.pk})).status_code == 404


def test_starting_again_sends_nothing_and_removes_the_draft(
    applicant_client, django_capture_on_commit_callbacks
):
    applicant, client = applicant_client
    draft = _draft_for(client)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("document_draft_start_again", kwargs={"draft_id": draft.pk}))

    assert response.status_code == 302
    assert not DocumentDraft.objects.exists()
    assert not Document.objects.filter(applicant=applicant).exists()
    assert not default_storage.exists(draft.file.name)


def test_another_applicant_cannot_see_send_or_discard_the_draft(applicant_client):
    _, client = applicant_client
    draft = _draft_for(client)
    other = ApplicantFactory()
    intruder = Client()
    intruder.force_login(other.user)

    assert intruder.get(reverse("document_draft", kwargs={"draft_id": draft.pk})).status_code == 404
    assert (
        intruder.get(reverse("document_draft_page", kwargs={"draft_id": draft.pk, "page": 1})).status_code
        == 404
    )
    assert intruder.post(reverse("document_draft_send", kwargs={"draft_id": draft.pk})).status_code == 404
    assert (
        intruder.post(reverse("document_draft_start_again", kwargs={"draft_id": draft.pk})).status_code == 404
    )
    assert DocumentDraft.objects.filter(pk=draft.pk).exists()
    assert not Document.objects.filter(applicant=other).exists()


def test_a_page_number_outside_the_draft_is_not_found(applicant_client):
    _, client = applicant_client
    draft = _draft_for(client)
    for page in (0, 5, 999):
        assert (
            client.get(
                reverse("document_draft_page", kwargs={"draft_id": draft.pk, "page": page})
            ).status_code
            == 404
        )


def test_a_hostile_file_among_the_parts_is_refused_naming_it_and_nothing_is_kept(applicant_client, settings):
    applicant, client = applicant_client
    response = _post(client, _files(("front.jpg", jpeg_bytes()), ("back.pdf", tiny_arrays_pdf())))

    assert response.status_code == 200
    assert b"File 2: " in response.content
    assert not DocumentDraft.objects.exists()
    assert not Document.objects.filter(applicant=applicant).exists()


def test_more_than_ten_files_are_refused_with_the_forms_message(applicant_client):
    _, client = applicant_client
    response = _post(client, _files(*[(f"p{i}.png", png_bytes()) for i in range(11)]))
    assert response.status_code == 200
    assert b"Send at most 10 files for one document." in response.content
    assert not DocumentDraft.objects.exists()


def test_more_than_fifty_pages_together_are_refused(applicant_client):
    _, client = applicant_client
    response = _post(client, _files(("a.pdf", multi_page_pdf(30)), ("b.pdf", multi_page_pdf(30))))
    assert response.status_code == 200
    assert b"Together the files have more than 50 pages" in response.content
    assert not DocumentDraft.objects.exists()


def test_a_new_draft_replaces_the_previous_one(applicant_client, django_capture_on_commit_callbacks):
    _, client = applicant_client
    first = _draft_for(client)
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, _files(("a.png", png_bytes()), ("b.png", png_bytes())))
    assert list(DocumentDraft.objects.values_list("pages", flat=True)) == [2]
    assert not default_storage.exists(first.file.name)


def test_a_draft_left_for_a_day_expires_with_its_files(applicant_client, django_capture_on_commit_callbacks):
    _, client = applicant_client
    draft = _draft_for(client)
    DocumentDraft.objects.filter(pk=draft.pk).update(created_at=timezone.now() - datetime.timedelta(hours=25))

    assert client.get(reverse("document_draft", kwargs={"draft_id": draft.pk})).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert document_drafts_expire() == 1
    assert not DocumentDraft.objects.exists()
    assert not default_storage.exists(draft.file.name)
    assert document_drafts_expire() == 0


def test_the_preview_page_costs_the_same_queries_for_any_number_of_pages(applicant_client):
    _, client = applicant_client
    counts = []
    for files in (
        _files(("a.png", png_bytes()), ("b.png", png_bytes())),
        _files(("a.pdf", multi_page_pdf(4)), ("b.pdf", multi_page_pdf(3))),
    ):
        _post(client, files)
        draft = DocumentDraft.objects.get()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("document_draft", kwargs={"draft_id": draft.pk})).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
