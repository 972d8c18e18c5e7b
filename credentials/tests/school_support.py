"""Helpers for the school-verification tests: real files, staff, the link in an e-mail."""

from __future__ import annotations

import io
import re
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfWriter

from applicants.models import Applicant, User
from applicants.tests.factories import ApplicantFactory, UserFactory
from credentials.models import Document
from credentials.tests.factories import DocumentFactory
from exams.tests.factories import applied_for

LINK_RE = re.compile(r"https?://[^\s]+/school/respond/([0-9a-f]+)/")


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def transcript_upload(name: str = "transcript.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def diploma_for(applicant: Applicant | None = None, **kwargs: Any) -> Document:
    """A received diploma whose file really exists in storage (the school downloads it),
    of an applicant who has applied for an exam (before that it is held, R-ED-3)."""
    applicant = applicant or ApplicantFactory()
    if not applicant.exam_applications.exists():
        applied_for(applicant)
    name = default_storage.save(f"documents/{applicant.pk}/diploma.pdf", ContentFile(pdf_bytes()))
    return DocumentFactory(applicant=applicant, kind=Document.Kind.DIPLOMA, file=name, **kwargs)


def translation_for(applicant: Applicant) -> Document:
    name = default_storage.save(f"documents/{applicant.pk}/translation.pdf", ContentFile(pdf_bytes()))
    return DocumentFactory(applicant=applicant, kind=Document.Kind.TRANSLATION, file=name)


def staff_user(email: str = "reviewer@ecfmg.test") -> User:
    return UserFactory(email=email, is_staff=True, is_superuser=True)


def verified_staff_client(user: User) -> Client:
    """A client signed in as ``user`` with the session verified by a TOTP device (admin MFA)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def token_in(body: str) -> str:
    match = LINK_RE.search(body)
    assert match, "the e-mail carries no response link"
    return match.group(1)


class ExplodingBackend(BaseEmailBackend):
    """A mail backend that raises ``ExplodingBackend.error`` (set by the test) on every send."""

    error: BaseException = ConnectionError("mail server unreachable")

    def send_messages(self, email_messages: Any) -> int:
        raise ExplodingBackend.error
