"""R-ED-3, R-ED-5, R-ED-7: when and what an applicant may send."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from applicants.tests.factories import ApplicantFactory
from credentials.models import Document
from credentials.services.documents import document_decide, document_submit
from ecfmg_portal.errors import DomainError
from ecfmg_portal.formatting import format_day
from exams.services import exam_application_create
from exams.tests.factories import applied_for

pytestmark = pytest.mark.django_db


def minimal_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf(name: str = "diploma.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, minimal_pdf(), content_type="application/pdf")


def student(days_to_graduation: int = 120):
    return ApplicantFactory(
        graduation_date=timezone.localdate() + datetime.timedelta(days=days_to_graduation)
    )


def test_a_student_cannot_send_credentials_before_the_first_exam_application() -> None:
    """R-ED-3: anything sent earlier is refused, saying when it can be sent."""
    applicant = student()
    with pytest.raises(DomainError, match="before your first exam application"):
        document_submit(applicant=applicant, kind="diploma", upload=pdf())
    assert not Document.objects.exists()


def test_a_student_sends_the_diploma_only_after_graduating() -> None:
    """R-ED-5: upload opens once the graduation date has passed; the message names the date."""
    applicant = student(days_to_graduation=30)
    exam_application_create(applicant=applicant, exam="STEP1")
    graduation = applicant.graduation_date
    with pytest.raises(DomainError, match=format_day(graduation)):
        document_submit(applicant=applicant, kind="diploma", upload=pdf())
    applicant.graduation_date = timezone.localdate()
    applicant.save()
    assert document_submit(applicant=applicant, kind="diploma", upload=pdf()).status == "received"


def test_a_graduate_sends_the_diploma_with_the_first_application() -> None:
    """R-ED-4: a graduate may upload before applying, to apply with it."""
    graduate = ApplicantFactory()
    document = document_submit(applicant=graduate, kind="diploma", upload=pdf(), language="ru")
    assert document.language == "ru"
    document_submit(applicant=graduate, kind="translation", upload=pdf(), language="en")  # R-ED-7
    assert exam_application_create(applicant=graduate, exam="STEP1").pk


def test_the_translation_must_be_in_english() -> None:
    """R-ED-7: the translation of a diploma not in English is itself in English."""
    graduate = ApplicantFactory()
    document_submit(applicant=graduate, kind="diploma", upload=pdf(), language="ru")
    with pytest.raises(DomainError, match="must be in English"):
        document_submit(applicant=graduate, kind="translation", upload=pdf(), language="fr")


@pytest.mark.parametrize("diploma_language", [None, "en"])
def test_a_translation_nobody_needs_is_refused_whatever_its_language(diploma_language: str | None) -> None:
    """R-ED-7 asks for a translation only of a diploma not in English. Refusing the kind
    comes before the language: "must be in English" would send the applicant to fix a
    document that would still be refused."""
    graduate = ApplicantFactory()
    if diploma_language:
        document_submit(applicant=graduate, kind="diploma", upload=pdf(), language=diploma_language)
    for language in ("fr", "en"):
        with pytest.raises(DomainError, match="a translation is only needed for a diploma not in English"):
            document_submit(applicant=graduate, kind="translation", upload=pdf(), language=language)


def test_the_final_transcript_only_comes_from_the_school() -> None:
    """R-ED-8: only a response that comes from the school counts."""
    with pytest.raises(DomainError, match="directly from your medical school"):
        document_submit(applicant=ApplicantFactory(), kind="final_transcript", upload=pdf())


def test_a_new_upload_replaces_a_rejected_one() -> None:
    graduate = ApplicantFactory()
    applied_for(graduate)
    first = document_submit(applicant=graduate, kind="diploma", upload=pdf())
    document_decide(document=first, to_status="rejected", actor=None, reason="Back side missing")
    second = document_submit(applicant=graduate, kind="diploma", upload=pdf())
    first.refresh_from_db()
    assert first.status == "replaced" and second.status == "received"


def test_a_rejection_needs_a_reason_for_the_applicant() -> None:
    graduate = ApplicantFactory()
    applied_for(graduate)
    document = document_submit(applicant=graduate, kind="diploma", upload=pdf())
    with pytest.raises(DomainError, match="reason"):
        document_decide(document=document, to_status="rejected", actor=None, reason="  ")


def test_stored_name_is_generated_by_the_server() -> None:
    document = document_submit(
        applicant=ApplicantFactory(), kind="diploma", upload=pdf("../../etc/passwd.pdf")
    )
    assert ".." not in document.file.name and "passwd" not in document.file.name
    assert document.original_name == "passwd.pdf"


def test_transfer_transcript_needs_declared_transfer_credit() -> None:
    """R-ED-2: the transfer school's transcript documents transfer credit."""
    with pytest.raises(DomainError, match="transfer credit"):
        document_submit(
            applicant=ApplicantFactory(transfer_years=0), kind="transfer_transcript", upload=pdf()
        )


def test_a_failed_save_leaves_no_file_behind(settings) -> None:
    """A rollback after the file was written removes the file: no orphan scans in storage."""
    graduate = ApplicantFactory()
    media = settings.MEDIA_ROOT
    with (
        mock.patch("credentials.services.documents.audit_record", side_effect=RuntimeError("database gone")),
        pytest.raises(RuntimeError),
    ):
        document_submit(applicant=graduate, kind="diploma", upload=pdf())
    assert not Document.objects.exists()
    assert not [p for p in Path(media).rglob("*") if p.is_file()]
