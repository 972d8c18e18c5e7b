"""Applicants at a chosen distance from certification, and certificates."""

from __future__ import annotations

import datetime
import secrets

import factory
from django.utils import timezone

from applicants.models import Applicant
from applicants.tests.factories import ApplicantFactory, LedgerEntryFactory
from certificates.models import Certificate
from certificates.pdf import CertificateContent, verify_url
from credentials.models import Document
from credentials.tests.factories import DocumentFactory
from exams.models import Exam
from exams.tests.factories import ExamResultFactory

PASS_DATES = {
    Exam.STEP1: datetime.date(2025, 3, 10),
    Exam.STEP2CK: datetime.date(2025, 9, 2),
    Exam.STEP2CS: datetime.date(2026, 1, 20),
}


def applicant_with(
    *,
    exams: tuple[str, ...] = (Exam.STEP1, Exam.STEP2CK, Exam.STEP2CS),
    diploma_status: str = Document.Status.VERIFIED,
    transcript_from_school: bool = True,
    charges: tuple[str, ...] = (),
    **applicant_fields: object,
) -> Applicant:
    """An applicant with the given facts written directly (no events fired): passes of
    ``exams``, an English diploma in ``diploma_status``, the school's final transcript,
    and ledger ``charges`` (amounts as strings). Defaults meet every requirement."""
    applicant = ApplicantFactory(**applicant_fields)
    for exam in exams:
        ExamResultFactory(applicant=applicant, exam=exam, test_date=PASS_DATES[exam])
    DocumentFactory(
        applicant=applicant,
        kind=Document.Kind.DIPLOMA,
        status=diploma_status,
        reviewed_at=timezone.now() if diploma_status == Document.Status.VERIFIED else None,
    )
    if transcript_from_school:
        DocumentFactory(
            applicant=applicant,
            kind=Document.Kind.FINAL_TRANSCRIPT,
            source=Document.Source.SCHOOL,
            status=Document.Status.RECEIVED,
        )
    for amount in charges:
        LedgerEntryFactory(applicant=applicant, amount=amount)
    return applicant


class CertificateFactory(factory.django.DjangoModelFactory):
    """A certificate row written directly (no PDF, no e-mail); services are tested elsewhere."""

    class Meta:
        model = Certificate

    applicant = factory.SubFactory(ApplicantFactory)
    number = factory.Sequence(lambda n: f"9-{n:03d}-000-0")
    verification_code = factory.LazyFunction(lambda: secrets.token_urlsafe(24))
    exam_requirements_met_on = datetime.date(2026, 1, 20)
    issued_on = factory.LazyFunction(timezone.localdate)


SAMPLE_CODE = "Xk2p9QvTn4LmR7sW1aZb8cYd3eFg5hJ6"


def sample_content(**overrides: object) -> CertificateContent:
    """What a certificate prints, without the database (PDF tests, docs image)."""
    values: dict[str, object] = {
        "full_name": "María José Núñez-Øberg",
        "usmle_id": "12345674",
        "exam_requirements_met_on": datetime.date(2026, 3, 14),
        "issued_on": datetime.date(2026, 11, 25),
        "number": "8-710-042-6",
        "verification_code": SAMPLE_CODE,
        "verify_url": verify_url(SAMPLE_CODE),
    }
    values.update(overrides)
    return CertificateContent(**values)  # type: ignore[arg-type]
