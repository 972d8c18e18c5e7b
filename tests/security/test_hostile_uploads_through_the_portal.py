"""The hostile corpus sent through the applicant's real upload page: refused with the
message, nothing stored, nothing recorded. A path in the file name reaches nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, encode_multipart
from django.urls import reverse
from django.utils.html import escape

from applicants.tests.factories import ApplicantFactory
from credentials.models import Document
from ecfmg_portal.audit.models import AuditEntry

from .hostile_files import Hostile, corpus, huge, plain_pdf

pytestmark = pytest.mark.django_db
CORPUS = corpus()


@pytest.fixture
def applicant_client():
    applicant = ApplicantFactory()  # graduated, ID issued: may upload a diploma
    client = Client()
    client.force_login(applicant.user)
    return applicant, client


def _stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _post(client: Client, upload) -> object:
    return client.post(reverse("documents"), {"kind": "diploma", "language": "en", "file": upload})


@pytest.mark.parametrize("hostile", CORPUS, ids=[h.label for h in CORPUS])
def test_hostile_upload_is_refused_and_nothing_is_kept(hostile: Hostile, applicant_client, settings):
    applicant, client = applicant_client
    audit_before = AuditEntry.objects.count()
    response = _post(
        client, SimpleUploadedFile(hostile.name, hostile.content, content_type="application/pdf")
    )
    assert response.status_code in (200, 400)  # the form again, with the reason
    assert escape(hostile.message_word).encode() in response.content
    assert not Document.objects.filter(applicant=applicant).exists()
    assert _stored_files(settings) == []
    assert AuditEntry.objects.count() == audit_before


def test_oversized_upload_is_refused_through_the_page(applicant_client, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    applicant, client = applicant_client
    response = _post(client, SimpleUploadedFile("diploma.pdf", huge(settings.UPLOAD_MAX_BYTES)))
    assert response.status_code in (200, 400)  # the form again, with the reason
    assert b"larger than 1 MB" in response.content
    assert not Document.objects.filter(applicant=applicant).exists()
    assert _stored_files(settings) == []


@pytest.mark.parametrize(
    "client_name",
    [
        "../../../../etc/cron.d/evil.pdf",
        "..\\..\\windows\\system32\\evil.pdf",
        "/abs/evil.pdf",
        "evil\x00.pdf",
    ],
)
def test_path_in_the_file_name_never_reaches_the_file_system(client_name, applicant_client, settings):
    applicant, client = applicant_client
    # Built by hand: Django's test client would strip the path before sending it.
    body = (
        encode_multipart(BOUNDARY, {"kind": "diploma", "language": "en"})
        .decode()
        .rsplit(f"--{BOUNDARY}--", 1)[0]
    )
    raw = (
        body.encode()
        + f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{client_name}"\r\n'.encode()
        + b"Content-Type: application/pdf\r\n\r\n"
        + plain_pdf()
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    response = client.post(
        reverse("documents"), data=raw, content_type=f"multipart/form-data;boundary={BOUNDARY}"
    )
    assert response.status_code in (302, 400)
    # Accepted (with a safe name) or refused, never stored anywhere else.
    assert Document.objects.filter(applicant=applicant).count() == (1 if response.status_code == 302 else 0)
    for document in Document.objects.filter(applicant=applicant):
        assert document.file.name.startswith(f"documents/{applicant.pk}/")
        assert ".." not in document.file.name
        assert "/" not in document.original_name and "\\" not in document.original_name
        assert default_storage.exists(document.file.name)
    media = Path(settings.MEDIA_ROOT).resolve()
    for stored in _stored_files(settings):
        assert stored.resolve().is_relative_to(media)
        assert stored.name != "evil.pdf"


def test_download_is_an_attachment_with_nosniff(applicant_client):
    applicant, client = applicant_client
    assert _post(client, SimpleUploadedFile("d.pdf", plain_pdf())).status_code == 302
    document = Document.objects.get(applicant=applicant)
    response = client.get(reverse("document_download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
