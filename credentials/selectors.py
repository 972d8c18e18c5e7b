"""Reads about credentials. Imports only credentials' own models (exams reads it)."""

from __future__ import annotations

from django.db.models import QuerySet

from applicants.models import Applicant

from .models import Document


def current_documents(*, applicant: Applicant) -> QuerySet[Document]:
    """Documents that still count: not replaced by a newer upload."""
    return Document.objects.filter(applicant=applicant).exclude(status=Document.Status.REPLACED)


def has_current_diploma(*, applicant: Applicant) -> bool:
    return (
        current_documents(applicant=applicant)
        .filter(kind=Document.Kind.DIPLOMA)
        .exclude(status=Document.Status.REJECTED)
        .exists()
    )
