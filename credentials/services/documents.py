"""Submitting and reviewing credential documents (R-ED-3..R-ED-9)."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext

from applicants.models import Applicant
from applicants.notifications.services import document_decision_notify
from certificates.models import Certificate
from credentials.models import Document, DocumentEvent
from credentials.uploads import check_upload, upload_rate_check
from ecfmg_portal.audit.services import audit_record
from ecfmg_portal.errors import DomainError
from ecfmg_portal.events import applicant_status_changed
from ecfmg_portal.formatting import format_day
from exams.models import ExamApplication

APPLICANT_KINDS = (
    Document.Kind.DIPLOMA,
    Document.Kind.TRANSLATION,
    Document.Kind.TRANSFER_TRANSCRIPT,
)
# R-ED-8: the final transcript counts only when the school sends it.
SCHOOL_ONLY_KINDS = (Document.Kind.FINAL_TRANSCRIPT,)


def document_submission_refusal(*, applicant: Applicant, kind: str, today: datetime.date) -> str | None:
    """Why this document cannot be sent now, or None (R-ED-3, R-ED-4, R-ED-5)."""
    if kind in SCHOOL_ONLY_KINDS:
        return gettext(
            "Your final transcript must come directly from your medical school; ECFMG requests it."
        )
    if kind not in APPLICANT_KINDS:
        return gettext("Choose the kind of document you are sending.")
    if not applicant.usmle_id:
        return gettext("Get your USMLE/ECFMG Identification Number first.")
    graduated = applicant.graduation_date is not None and applicant.graduation_date <= today
    has_application = ExamApplication.objects.filter(applicant=applicant).exists()
    if not has_application and not graduated:
        refusal = gettext(
            "Credentials cannot be sent before your first exam application; apply for an exam first."
        )
        if applicant.graduation_date:
            refusal += " " + gettext("Your diploma can then be sent once you graduate, from %(on)s.") % {
                "on": format_day(applicant.graduation_date)
            }
        return refusal
    if kind in (Document.Kind.DIPLOMA, Document.Kind.TRANSLATION) and not graduated:
        when = (
            format_day(applicant.graduation_date)
            if applicant.graduation_date
            else gettext("your graduation date")
        )
        return gettext(
            "As a student, send your diploma once you have graduated and received it: from %(when)s."
        ) % {"when": when}
    if kind == Document.Kind.TRANSFER_TRANSCRIPT and not applicant.transfer_years:
        return gettext("A transfer-school transcript is only needed when you declare transfer credit.")
    # What the documents page does not ask for is refused here too, so it never reaches
    # staff's queue: anything once certified, a translation of an English diploma.
    if Certificate.objects.filter(applicant=applicant).exists():
        return gettext("Your file is complete: no more documents are needed.")
    if kind == Document.Kind.TRANSLATION and not _diploma_needs_translation(applicant):
        return gettext("Send your diploma first; a translation is only needed for a diploma not in English.")
    return None


def _diploma_needs_translation(applicant: Applicant) -> bool:
    """R-ED-7: the current diploma exists and is not in English."""
    diploma = (
        Document.objects.filter(
            applicant=applicant, kind=Document.Kind.DIPLOMA, status__in=Document.CURRENT_STATES
        )
        .order_by("-created_at")
        .first()
    )
    return diploma is not None and not diploma.is_english


HELD_BEFORE_FIRST_APPLICATION = (
    "Waiting (R-ED-3): the applicant has not applied for an exam yet. Credentials are held, "
    "not reviewed or sent to the school, until the first exam application."
)


def document_processing_hold(*, document: Document) -> str | None:
    """R-ED-3: why staff cannot review this document or send it to the school yet, or None.

    A graduate may upload while preparing the first exam application; until that
    application exists the upload is kept but held. What the school sends is not held.
    """
    if document.source != Document.Source.APPLICANT:
        return None
    if ExamApplication.objects.filter(applicant_id=document.applicant_id).exists():
        return None
    return HELD_BEFORE_FIRST_APPLICATION


def first_application_credentials_missing(*, applicant: Applicant, today: datetime.date) -> str | None:
    """R-ED-4 with R-ED-7: what a graduate's first exam application still lacks, or None.

    The application is incomplete without the final diploma and, for a diploma not in
    English, its official English translation (rejected documents do not count). A
    student, or an applicant who has applied before, lacks nothing here.
    """
    graduated = applicant.graduation_date is not None and applicant.graduation_date <= today
    if not graduated or ExamApplication.objects.filter(applicant=applicant).exists():
        return None
    documents = list(
        Document.objects.filter(
            applicant=applicant,
            kind__in=[Document.Kind.DIPLOMA, Document.Kind.TRANSLATION],
            status__in=Document.CURRENT_STATES,
        ).order_by("-created_at")
    )
    diploma = next((d for d in documents if d.kind == Document.Kind.DIPLOMA), None)
    if diploma is None:
        return gettext(
            "As a graduate, send your final diploma (and its English translation if it is not in "
            "English) with your first exam application: upload it, then apply."
        )
    if not diploma.is_english and not any(d.kind == Document.Kind.TRANSLATION for d in documents):
        return gettext(
            "Your diploma is not in English: upload its official English translation (not made by "
            "yourself), then apply. Your first exam application is incomplete without it."
        )
    return None


def stored_name(applicant: Applicant, extension: str) -> str:
    """Server-generated: nothing of the client's file name reaches the file system."""
    return f"documents/{applicant.pk}/{uuid.uuid4().hex}.{extension}"


def display_name(raw_name: str | None, *, extension: str) -> str:
    """The client's file name made safe to show; a name that cleans to nothing
    (``€€€``, ``()``) gets a server-made one instead of an error."""
    raw = (raw_name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    try:
        cleaned = get_valid_filename(raw)[:120]
    except SuspiciousFileOperation:
        cleaned = ""
    return cleaned if cleaned.strip("._-") else f"document.{extension}"


def document_fields_check(
    *, applicant: Applicant, kind: str, language: str, issue_date: datetime.date | None
) -> str:
    """Refuse what the rules refuse before any file is looked at; the normalised language."""
    today = timezone.localdate()
    refusal = document_submission_refusal(applicant=applicant, kind=kind, today=today)
    if refusal:
        raise DomainError("document_refused", refusal, field="kind")
    language = (language or "").strip().lower()
    if not (2 <= len(language) <= 3 and language.isascii() and language.isalpha()):
        raise DomainError(
            "invalid_language", gettext("Choose the language the document is written in."), field="language"
        )
    if kind == Document.Kind.TRANSLATION and language != "en":
        raise DomainError(
            "invalid_language", gettext("The translation must be in English."), field="language"
        )
    if issue_date is not None and issue_date > today:
        raise DomainError(
            "invalid_issue_date", gettext("The issue date cannot be in the future."), field="issue_date"
        )
    return language


def upload_allowance_spend(*, actor: Any, files: int = 1) -> None:
    """An applicant's uploads count against the hourly allowance (every attempt)."""
    if getattr(actor, "is_authenticated", False):
        upload_rate_check(user_id=actor.pk, joined_at=actor.date_joined.timestamp(), files=files)


def document_submit(
    *,
    applicant: Applicant,
    kind: str,
    upload: UploadedFile | None,
    language: str = "en",
    issue_date: datetime.date | None = None,
    actor: Any = None,
) -> Document:
    """Accept an applicant's upload, disarmed (``credentials.uploads``). It replaces
    any earlier current document of the same kind that is not yet verified; a
    verified one cannot be replaced."""
    language = document_fields_check(applicant=applicant, kind=kind, language=language, issue_date=issue_date)
    upload_allowance_spend(actor=actor)
    checked = check_upload(upload)
    assert upload is not None
    return document_record(
        applicant=applicant,
        kind=kind,
        stored=StoredFile(
            content=checked.content,
            content_type=checked.content_type,
            extension=checked.extension,
            sha256=checked.sha256,
            original_sha256=checked.original_sha256,
            original_name=display_name(upload.name, extension=checked.extension),
        ),
        language=language,
        issue_date=issue_date,
        actor=actor,
    )


@dataclass(frozen=True)
class StoredFile:
    """A disarmed file ready to be kept, with the fingerprint of what was received."""

    content: bytes
    content_type: str
    extension: str
    sha256: str
    original_sha256: str
    original_name: str


def document_record(
    *,
    applicant: Applicant,
    kind: str,
    stored: StoredFile,
    language: str,
    issue_date: datetime.date | None,
    actor: Any,
) -> Document:
    """Store the disarmed file and its row in one step: a rolled-back row leaves no file."""
    name = ""
    try:
        with transaction.atomic():
            previous = list(
                Document.objects.select_for_update()
                .filter(applicant=applicant, kind=kind)
                .exclude(status__in=[Document.Status.REPLACED])
            )
            if any(
                d.status in (Document.Status.VERIFIED, Document.Status.SENT_FOR_VERIFICATION)
                for d in previous
            ):
                raise DomainError(
                    "document_locked",
                    gettext(
                        "This document is being verified or already verified; contact ECFMG to change it."
                    ),
                    field="kind",
                )
            name = default_storage.save(stored_name(applicant, stored.extension), ContentFile(stored.content))
            for old in previous:
                _transition(old, Document.Status.REPLACED, actor=actor, note="Replaced by a new upload.")
            document = Document.objects.create(
                applicant=applicant,
                kind=kind,
                file=name,
                content_type=stored.content_type,
                size=len(stored.content),
                sha256=stored.sha256,
                original_sha256=stored.original_sha256,
                original_name=stored.original_name,
                language=language,
                issue_date=issue_date,
            )
            DocumentEvent.objects.create(document=document, to_status=document.status, actor=_person(actor))
            audit_record(
                action="document.received",
                obj=document,
                actor=actor,
                after={"kind": kind, "status": document.status},
            )
            applicant_status_changed(applicant_id=applicant.pk, cause="document.received")
    except BaseException:
        # The row was rolled back: the file it would have pointed to must not stay behind.
        if name:
            default_storage.delete(name)
        raise
    return document


def _person(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _transition(document: Document, to_status: str, *, actor: Any, note: str = "") -> None:
    before = document.status
    document.status = to_status
    document.save(update_fields=["status"])
    DocumentEvent.objects.create(
        document=document, from_status=before, to_status=to_status, actor=_person(actor), note=note
    )
    audit_record(
        action="document.status",
        obj=document,
        actor=actor,
        before={"status": before},
        after={"status": to_status},
    )


# Allowed staff decisions: from -> to.
REVIEW_TRANSITIONS: dict[str, tuple[str, ...]] = {
    Document.Status.RECEIVED: (
        Document.Status.SENT_FOR_VERIFICATION,
        Document.Status.VERIFIED,
        Document.Status.REJECTED,
    ),
    Document.Status.SENT_FOR_VERIFICATION: (
        Document.Status.VERIFIED,
        Document.Status.UNABLE_TO_VERIFY,
        Document.Status.REJECTED,
    ),
    Document.Status.UNABLE_TO_VERIFY: (
        Document.Status.SENT_FOR_VERIFICATION,
        Document.Status.REJECTED,
    ),
}


def document_decide(*, document: Document, to_status: str, actor: Any, reason: str = "") -> Document:
    """A staff decision on a document, recorded with who, when and why.

    A rejection needs a reason: the applicant is shown it with what to do next.
    """
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        held = document_processing_hold(document=locked)
        if held:
            raise DomainError("held_before_first_application", held)
        allowed = REVIEW_TRANSITIONS.get(locked.status, ())
        if to_status not in allowed:
            raise DomainError(
                "invalid_transition",
                f"A document that is {Document.status_in_english(locked.status).lower()} cannot become "
                f"{Document.status_in_english(to_status).lower()}.",
            )
        reason = reason.strip()
        if to_status in (Document.Status.REJECTED, Document.Status.UNABLE_TO_VERIFY) and not reason:
            raise DomainError("reason_required", "Give the reason the applicant will see.", field="reason")
        locked.status_reason = reason
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = _person(actor)
        locked.save(update_fields=["status_reason", "reviewed_at", "reviewed_by"])
        _transition(locked, to_status, actor=actor, note=reason)
        document_decision_notify(document=locked)
        applicant_status_changed(applicant_id=locked.applicant_id, cause=f"document.{to_status}")
    document.refresh_from_db()
    return document
