"""A small population for the workbench tests, one of each kind of waiting work per round.

Built with factories and the real services where the state matters to the review
pages (sending to the school, the school's answer); ``populate`` can run several
times with different tags to grow the data for the query-count tests.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from applicants.models import Applicant, IdentityChangeRequest, User
from applicants.services.staff import (
    ADMINISTRATOR,
    CERTIFICATE_OFFICER,
    EXAMS_CLERK,
    FINANCE,
    REVIEWER,
    staff_groups_sync,
)
from applicants.tests.factories import ApplicantFactory, UserFactory
from certificates.models import Certificate
from credentials.models import Document, SchoolVerificationRequest
from credentials.services.school_verification import (
    school_verification_answer,
    school_verification_request,
)
from credentials.tests.factories import DocumentFactory, SchoolFactory

STAFF_PASSWORD = "Staff-passphrase-2026!"
ROLES = {
    "reviewer@ecfmg.test": REVIEWER,
    "reviewer2@ecfmg.test": REVIEWER,
    "finance@ecfmg.test": FINANCE,
    "exams@ecfmg.test": EXAMS_CLERK,
    "certificates@ecfmg.test": CERTIFICATE_OFFICER,
    "administrator@ecfmg.test": ADMINISTRATOR,
}


def pdf_bytes(pages: int = 2) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def staff() -> dict[str, User]:
    staff_groups_sync()
    users = {}
    for email, group in ROLES.items():
        user, created = User.objects.get_or_create(email=email, defaults={"is_staff": True})
        if created:
            user.set_password(STAFF_PASSWORD)
            user.save()
            user.groups.add(Group.objects.get(name=group))
        users[email] = user
    root, created = User.objects.get_or_create(
        email="root@ecfmg.test", defaults={"is_staff": True, "is_superuser": True}
    )
    if created:
        root.set_password(STAFF_PASSWORD)
        root.save()
    users["root@ecfmg.test"] = root
    return users


@dataclass
class Round:
    diploma: Document
    translation: Document
    answered: SchoolVerificationRequest
    correction: IdentityChangeRequest
    certificate: Certificate


def _document(applicant: Applicant, kind: str, **extra: object) -> Document:
    name = default_storage.save(f"documents/{applicant.pk}/{kind}.pdf", ContentFile(pdf_bytes()))
    return DocumentFactory(applicant=applicant, kind=kind, file=name, **extra)


def populate(tag: str) -> Round:
    school = SchoolFactory(imed_id=f"F{tag}001", name=f"Universidad {tag}", country="AR")
    waiting = ApplicantFactory(
        user=UserFactory(email=f"nunez{tag}@example.com"),
        given_names="María",
        last_name="Núñez",
        school=school,
    )
    diploma = _document(waiting, Document.Kind.DIPLOMA, language="es")
    translation = _document(waiting, Document.Kind.TRANSLATION)

    answered_by_school = ApplicantFactory(
        user=UserFactory(email=f"elsayed{tag}@example.com"),
        given_names="Omar",
        last_name="El-Sayed",
        school=school,
    )
    sent = school_verification_request(
        document=_document(answered_by_school, Document.Kind.DIPLOMA), actor=None
    )
    answered = school_verification_answer(
        verification=sent,
        answer=SchoolVerificationRequest.Answer.AUTHENTIC,
        official_name="Dra. Ana Pérez",
        official_title="Registrar",
        comment="",
        transcript=SimpleUploadedFile("transcript.pdf", pdf_bytes(1), content_type="application/pdf"),
    )

    correcting = ApplicantFactory(school=school, given_names="Li", last_name="Wei")
    correction = IdentityChangeRequest.objects.create(
        applicant=correcting, changes={"given_names": "Li Na"}, reason="My passport spells it Li Na."
    )

    certified = ApplicantFactory(school=school, given_names="Ana", last_name="García-López")
    today = timezone.localdate()
    certificate = Certificate.objects.create(
        applicant=certified,
        number=f"8-{int(tag) % 1000:03d}-001-4" if tag.isdigit() else "8-710-001-4",
        verification_code=f"code-{tag}-{certified.pk}",
        exam_requirements_met_on=today,
        issued_on=today,
    )
    return Round(diploma, translation, answered, correction, certificate)
