"""A small population for the workbench tests, one of each kind of waiting work per round.

Built with factories and the real services where the state matters to the review
pages (sending to the school, the school's answer); ``populate`` can run several
times with different tags to grow the data for the query-count tests.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from applicants.models import Applicant, IdentityChangeRequest, LedgerEntry, User
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
from exams.models import Exam, ExamApplication

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


def diploma_pdf(name: str, school: str) -> bytes:
    """A one-page diploma with words on it, so the review page shows something to read."""
    from weasyprint import HTML

    html = f"""<html><body style="font-family: serif; text-align: center; padding: 60px">
    <h1>{school}</h1><p>Facultad de Ciencias Médicas</p><h2>Título de Médico</h2>
    <p>otorgado a</p><h2>{name}</h2><p>Buenos Aires, 1 de diciembre de 2024</p>
    <p>El Decano &nbsp;&nbsp;&nbsp; El Secretario</p>
    <div style="page-break-before: always"><h2>Reverso</h2><p>Registrado al folio 112, libro 7.</p>
    <p>Sello de la Universidad</p></div></body></html>"""
    return bytes(HTML(string=html).write_pdf())


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


def _applied(applicant: Applicant) -> Applicant:
    """Credentials are held until the first exam application (R-ED-3): give one."""
    fee = LedgerEntry.objects.create(
        applicant=applicant, kind=LedgerEntry.Kind.CHARGE, amount=Decimal("1000.00"), description="Step 1 fee"
    )
    start = timezone.localdate()
    ExamApplication.objects.create(
        applicant=applicant,
        exam=Exam.STEP1,
        eligibility_start=start,
        eligibility_end=start + datetime.timedelta(days=91),
        fee=fee,
    )
    return applicant


def _document(applicant: Applicant, kind: str, content: bytes | None = None, **extra: object) -> Document:
    data = content if content is not None else pdf_bytes()
    name = default_storage.save(f"documents/{applicant.pk}/{kind}.pdf", ContentFile(data))
    return DocumentFactory(applicant=applicant, kind=kind, file=name, **extra)


def populate(tag: str) -> Round:
    school = SchoolFactory(imed_id=f"F{tag}001", name=f"Universidad {tag}", country="AR")
    waiting = ApplicantFactory(
        user=UserFactory(email=f"nunez{tag}@example.com"),
        given_names="María",
        last_name="Núñez",
        school=school,
    )
    _applied(waiting)
    diploma = _document(
        waiting, Document.Kind.DIPLOMA, diploma_pdf("María Núñez", school.name), language="es"
    )
    translation = _document(waiting, Document.Kind.TRANSLATION)

    answered_by_school = _applied(
        ApplicantFactory(
            user=UserFactory(email=f"elsayed{tag}@example.com"),
            given_names="Omar",
            last_name="El-Sayed",
            school=school,
        )
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
