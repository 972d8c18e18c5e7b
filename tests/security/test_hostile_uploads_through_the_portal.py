"""The hostile corpora sent through the applicant's real upload page: refused with the
message, nothing stored, nothing recorded; or, for active content, stored only as the
disarmed copy, which is all that is ever served. A path in the file name reaches
nothing; a name that cleans to nothing gets a server-made one; uploads per account
are rate-limited."""

from __future__ import annotations

import hashlib
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

from .hostile_files import Disarmable, Hostile, budget_corpus, corpus, disarm_corpus, huge, plain_pdf

pytestmark = pytest.mark.django_db
CORPUS = [*corpus(), *budget_corpus()]
DISARM = disarm_corpus()


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


@pytest.mark.parametrize("case", DISARM, ids=[c.label for c in DISARM])
def test_active_content_is_stored_and_served_only_disarmed(case: Disarmable, applicant_client, settings):
    applicant, client = applicant_client
    response = _post(client, SimpleUploadedFile(case.name, case.content))
    assert response.status_code == 302
    document = Document.objects.get(applicant=applicant)
    assert document.original_sha256 == hashlib.sha256(case.content).hexdigest()
    assert document.content_type == case.mime
    # One file on disk: the disarmed copy; the original is not kept anywhere.
    (stored,) = _stored_files(settings)
    kept = stored.read_bytes()
    assert kept != case.content
    assert document.sha256 == hashlib.sha256(kept).hexdigest()
    for forbidden in case.forbidden:
        assert forbidden not in kept
    served = b"".join(client.get(reverse("document_download", args=[document.pk])).streaming_content)
    assert served == kept


@pytest.mark.parametrize("client_name", ["€€€", "()", "...", "€€€.pdf"])
def test_a_file_name_that_cleans_to_nothing_gets_a_server_made_name(client_name, applicant_client):
    applicant, client = applicant_client
    response = _post(client, SimpleUploadedFile(client_name, plain_pdf()))
    assert response.status_code == 302
    document = Document.objects.get(applicant=applicant)
    assert document.original_name in ("document.pdf", ".pdf") or document.original_name.endswith(".pdf")
    assert document.original_name.strip("._-")
    download = client.get(reverse("document_download", args=[document.pk]))
    assert download.status_code == 200


def test_uploads_are_rate_limited_per_account_with_a_clear_message(applicant_client, settings):
    settings.UPLOADS_PER_HOUR = 2
    applicant, client = applicant_client
    for _ in range(2):
        assert _post(client, SimpleUploadedFile("d.pdf", plain_pdf())).status_code == 302
    refused = _post(client, SimpleUploadedFile("d.pdf", plain_pdf()))
    assert refused.status_code == 429
    assert b"the most files we accept in one hour (2)" in refused.content
    assert b"try again in" in refused.content
    assert Document.objects.filter(applicant=applicant).count() == 2
    # Another account is not affected.
    other = ApplicantFactory()
    other_client = Client()
    other_client.force_login(other.user)
    assert _post(other_client, SimpleUploadedFile("d.pdf", plain_pdf())).status_code == 302
