"""Helpers for the applicant-portal tests: typed factories and real file bytes."""

from __future__ import annotations

import datetime
import io
from typing import Any, cast

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from pypdf import PdfWriter

from applicants.models import Applicant, User
from applicants.services.profile import applicant_create_for_user
from applicants.tests.factories import ApplicantFactory, UserFactory

PASSWORD = "correct-horse-battery-9"


def make_applicant(**kwargs: Any) -> Applicant:
    """An applicant with a confirmed e-mail, an issued ID and a graduation two years ago."""
    kwargs.setdefault("last_name", "Sharma")
    return cast(Applicant, ApplicantFactory(**kwargs))


def make_graduate(**kwargs: Any) -> Applicant:
    return make_applicant(**kwargs)


def make_student(**kwargs: Any) -> Applicant:
    """An applicant with an ID whose graduation is still ahead."""
    kwargs.setdefault("graduation_date", timezone.localdate() + datetime.timedelta(days=200))
    return make_applicant(**kwargs)


def make_new_applicant(*, confirmed: bool = True, email: str | None = None) -> Applicant:
    """An account that has just signed up: no identity details, no ID."""
    extra: dict[str, Any] = {} if confirmed else {"email_confirmed_at": None}
    if email:
        extra["email"] = email
    user = cast(User, UserFactory(**extra))
    return applicant_create_for_user(user=user)


def logged_in(client: Client, applicant: Applicant) -> Client:
    client.force_login(applicant.user)
    return client


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_upload(name: str = "diploma.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def exe_upload(name: str = "diploma.pdf") -> SimpleUploadedFile:
    """A Windows program renamed to look like a PDF: content starts with ``MZ``."""
    return SimpleUploadedFile(name, b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
