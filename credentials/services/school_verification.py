"""Primary-source verification of the diploma with the school that issued it (R-ED-8).

Staff send a diploma for verification -> the school's verification contact gets a
link -> the school answers (authentic / not authentic / cannot determine) and
uploads the final transcript -> staff accept (diploma and translation Verified,
transcript received from the school) or reject with a reason the applicant sees.

Every state change writes a ``DocumentEvent`` for the documents it moves and an
audit entry, notifies the applicant by e-mail, and announces
``applicant_status_changed`` so certification is re-evaluated.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from credentials.models import Document, DocumentEvent, SchoolVerificationRequest, VerificationEmail
from credentials.services.documents import REVIEW_TRANSITIONS, document_decide, document_processing_hold
from credentials.services.verification_emails import (
    STEP_APPLICANT_ANSWERED,
    STEP_APPLICANT_CANCELLED,
    STEP_APPLICANT_OUTCOME,
    STEP_APPLICANT_SENT,
    STEP_REQUEST,
    link_token,
    verification_email_add,
)
from credentials.tasks import send_verification_email
from credentials.uploads import check_upload
from ecfmg_portal.audit.services import audit_record
from ecfmg_portal.errors import Conflict, DomainError, NotFound
from ecfmg_portal.events import applicant_status_changed

Status = SchoolVerificationRequest.Status
Answer = SchoolVerificationRequest.Answer
OFFICIAL_TEXT_MAX = 200
COMMENT_MAX = 4000


class LinkGone(DomainError):
    """The link was real but can no longer be used (answered, closed or expired)."""

    status = 410


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _person(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _new_link(verification: SchoolVerificationRequest, *, now: datetime.datetime) -> None:
    verification.link_nonce = secrets.token_hex(32)
    verification.token_hash = token_hash(link_token(verification))
    verification.link_expires_at = now + datetime.timedelta(days=settings.SCHOOL_VERIFICATION_LINK_VALID_DAYS)


def _move(
    document: Document, to_status: str, *, actor: Any, note: str = "", reason: str | None = None
) -> None:
    """Change a document's status with its history row and audit entry (caller holds the lock)."""
    before = document.status
    document.status = to_status
    fields = ["status"]
    if reason is not None:
        document.status_reason = reason
        document.reviewed_at = timezone.now()
        document.reviewed_by = _person(actor)
        fields += ["status_reason", "reviewed_at", "reviewed_by"]
    document.save(update_fields=fields)
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


def _queue(*emails: VerificationEmail | None) -> None:
    for email in emails:
        if email is not None:
            send_verification_email.delay_on_commit(email.pk)


def _notify_applicant(verification: SchoolVerificationRequest, step: str) -> VerificationEmail | None:
    return verification_email_add(
        verification=verification,
        step=step,
        kind=VerificationEmail.Kind.APPLICANT_UPDATE,
        to_address=verification.applicant.user.email,
    )


def school_verification_request(*, document: Document, actor: Any) -> SchoolVerificationRequest:
    """Send a diploma to its school for verification: creates the request, moves the
    diploma to "Sent for verification", and queues the school's and the applicant's
    e-mails on commit. Refused while another request for the diploma is open."""
    with transaction.atomic():
        diploma = (
            Document.objects.select_for_update(of=("self",))
            .select_related("applicant__school", "applicant__user")
            .get(pk=document.pk)
        )
        if diploma.kind != Document.Kind.DIPLOMA:
            raise DomainError("not_a_diploma", "Only a diploma is verified with the school.")
        held = document_processing_hold(document=diploma)
        if held:
            raise DomainError("held_before_first_application", held)
        if diploma.status not in (Document.Status.RECEIVED, Document.Status.UNABLE_TO_VERIFY):
            raise DomainError(
                "invalid_transition",
                f"A diploma that is {Document.status_in_english(diploma.status).lower()} cannot be sent for verification.",
            )
        school = diploma.applicant.school
        if school is None:
            raise DomainError("no_school", "The applicant has not named the school that granted the degree.")
        if not school.verification_email:
            raise DomainError(
                "no_school_contact",
                "The school has no verification contact in the directory; add one to the school first.",
            )
        now = timezone.now()
        verification = SchoolVerificationRequest(
            applicant=diploma.applicant,
            diploma=diploma,
            school=school,
            contact_email=school.verification_email,
            created_at=now,
            created_by=_person(actor),
        )
        _new_link(verification, now=now)
        try:
            with transaction.atomic():
                verification.save()
        except IntegrityError as exc:
            raise Conflict("verification_open", "This diploma is already being verified.") from exc
        _move(
            diploma,
            Document.Status.SENT_FOR_VERIFICATION,
            actor=actor,
            note=f"Sent to the school (request #{verification.pk}).",
            reason="",
        )
        audit_record(
            action="school_verification.requested",
            obj=verification,
            actor=actor,
            after={"status": verification.status, "school": school.imed_id, "diploma": diploma.pk},
        )
        school_email = verification_email_add(
            verification=verification,
            step=STEP_REQUEST,
            kind=VerificationEmail.Kind.SCHOOL_REQUEST,
            to_address=verification.contact_email,
        )
        _queue(school_email, _notify_applicant(verification, STEP_APPLICANT_SENT))
        applicant_status_changed(applicant_id=diploma.applicant_id, cause="school_verification.requested")
    return verification


def _lock_open(verification: SchoolVerificationRequest, *states: str) -> SchoolVerificationRequest:
    locked = (
        SchoolVerificationRequest.objects.select_for_update(of=("self",))
        .select_related("applicant__user", "school")
        .get(pk=verification.pk)
    )
    if locked.status not in states:
        raise Conflict(
            "invalid_transition", f"This request is {locked.get_status_display().lower()}; nothing to do."
        )
    return locked


def school_verification_resend(*, verification: SchoolVerificationRequest, actor: Any) -> VerificationEmail:
    """Send the request e-mail again (a new step, so it is sent once); the link stays the same
    and is valid for LINK_VALID_DAYS from now."""
    with transaction.atomic():
        locked = _lock_open(verification, Status.SENT)
        number = VerificationEmail.objects.filter(request=locked, step__startswith="resend-").count() + 1
        locked.link_expires_at = max(
            locked.link_expires_at,
            timezone.now() + datetime.timedelta(days=settings.SCHOOL_VERIFICATION_LINK_VALID_DAYS),
        )
        locked.save(update_fields=["link_expires_at"])
        email = verification_email_add(
            verification=locked,
            step=f"resend-{number}",
            kind=VerificationEmail.Kind.SCHOOL_REQUEST,
            to_address=locked.contact_email,
        )
        assert email is not None
        audit_record(action="school_verification.resent", obj=locked, actor=actor, after={"step": email.step})
        _queue(email)
    return email


def school_verification_change_contact(
    *, verification: SchoolVerificationRequest, actor: Any, email: str
) -> SchoolVerificationRequest:
    """Send the request to another address. The old link stops working (new secret) and
    e-mails still queued for the old address are skipped."""
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise DomainError("invalid_email", "Enter a valid e-mail address.", field="email") from exc
    with transaction.atomic():
        locked = _lock_open(verification, Status.SENT)
        if email.lower() == locked.contact_email.lower():
            raise DomainError("same_contact", "The request already goes to this address.", field="email")
        _new_link(locked, now=timezone.now())
        locked.contact_email = email
        locked.save(update_fields=["contact_email", "link_nonce", "token_hash", "link_expires_at"])
        VerificationEmail.objects.filter(
            request=locked,
            kind__in=VerificationEmail.SCHOOL_KINDS,
            status=VerificationEmail.Status.PENDING,
        ).update(status=VerificationEmail.Status.SKIPPED, last_error="the school's contact changed")
        number = VerificationEmail.objects.filter(request=locked, step__startswith="contact-").count() + 1
        new_email = verification_email_add(
            verification=locked,
            step=f"contact-{number}",
            kind=VerificationEmail.Kind.SCHOOL_REQUEST,
            to_address=email,
        )
        # Addresses are personal data: the audit says that it changed, not to what.
        audit_record(action="school_verification.contact_changed", obj=locked, actor=actor)
        _queue(new_email)
    return locked


def school_verification_cancel(
    *, verification: SchoolVerificationRequest, actor: Any, reason: str
) -> SchoolVerificationRequest:
    """Withdraw the request: the link dies, the diploma goes back to "Received"."""
    reason = reason.strip()
    if not reason:
        raise DomainError("reason_required", "Say why the request is cancelled.", field="reason")
    with transaction.atomic():
        locked = _lock_open(verification, Status.SENT, Status.ANSWERED)
        before = locked.status
        locked.status = Status.CANCELLED
        locked.decided_at = timezone.now()
        locked.decided_by = _person(actor)
        locked.decision_reason = reason
        locked.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
        diploma = Document.objects.select_for_update().get(pk=locked.diploma_id)
        if diploma.status == Document.Status.SENT_FOR_VERIFICATION:
            _move(diploma, Document.Status.RECEIVED, actor=actor, note=f"Verification cancelled: {reason}")
        audit_record(
            action="school_verification.cancelled",
            obj=locked,
            actor=actor,
            before={"status": before},
            after={"status": locked.status, "reason": reason},
        )
        _queue(_notify_applicant(locked, STEP_APPLICANT_CANCELLED))
        applicant_status_changed(applicant_id=locked.applicant_id, cause="school_verification.cancelled")
    return locked


def school_verification_answer(
    *,
    verification: SchoolVerificationRequest,
    answer: str,
    official_name: str,
    official_title: str,
    comment: str,
    transcript: UploadedFile | None,
) -> SchoolVerificationRequest:
    """Record the school's answer, once. The request must come from a valid link
    (``school_verification_for_token``); the claim is a conditional UPDATE, so two
    submissions of the same link cannot both count. "Authentic" needs the transcript,
    which is stored as a final transcript sent by the school."""
    if answer not in Answer.values:
        raise DomainError("answer_required", "Choose one answer.", field="answer")
    official_name = official_name.strip()
    official_title = official_title.strip()
    comment = comment.strip()
    if not official_name:
        raise DomainError("name_required", "Enter your name.", field="official_name")
    if not official_title:
        raise DomainError("title_required", "Enter your title or position.", field="official_title")
    if len(official_name) > OFFICIAL_TEXT_MAX or len(official_title) > OFFICIAL_TEXT_MAX:
        raise DomainError("too_long", f"Use at most {OFFICIAL_TEXT_MAX} characters.", field="official_name")
    if len(comment) > COMMENT_MAX:
        raise DomainError("too_long", f"Use at most {COMMENT_MAX} characters.", field="comment")
    if answer == Answer.AUTHENTIC and transcript is None:
        raise DomainError(
            "transcript_required",
            "To confirm the diploma, upload the applicant's final transcript.",
            field="transcript",
        )
    checked = check_upload(transcript) if transcript is not None else None
    now = timezone.now()
    with transaction.atomic():
        claimed = SchoolVerificationRequest.objects.filter(
            pk=verification.pk, status=Status.SENT, link_expires_at__gt=now
        ).update(
            status=Status.ANSWERED,
            answered_at=now,
            answer=answer,
            official_name=official_name,
            official_title=official_title,
            official_comment=comment,
        )
        if claimed != 1:
            raise LinkGone("link_used", "This link has already been used or has expired.")
        locked = SchoolVerificationRequest.objects.select_related("applicant__user").get(pk=verification.pk)
        if checked is not None:
            name = default_storage.save(
                f"documents/{locked.applicant_id}/{uuid.uuid4().hex}.{checked.extension}",
                ContentFile(checked.content),
            )
            document = Document.objects.create(
                applicant_id=locked.applicant_id,
                kind=Document.Kind.FINAL_TRANSCRIPT,
                source=Document.Source.SCHOOL,
                file=name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                original_sha256=checked.original_sha256,
                original_name=f"final-transcript-from-school.{checked.extension}",
            )
            DocumentEvent.objects.create(
                document=document,
                to_status=document.status,
                note=f"Sent by the school with its answer to request #{locked.pk}.",
            )
            audit_record(
                action="document.received",
                obj=document,
                after={"kind": document.kind, "source": document.source, "status": document.status},
            )
            locked.transcript = document
            locked.save(update_fields=["transcript"])
        audit_record(
            action="school_verification.answered",
            obj=locked,
            before={"status": Status.SENT},
            after={"status": Status.ANSWERED, "answer": answer, "transcript": locked.transcript_id},
        )
        _queue(_notify_applicant(locked, STEP_APPLICANT_ANSWERED))
        applicant_status_changed(applicant_id=locked.applicant_id, cause="school_verification.answered")
    return locked


def school_verification_accept(
    *, verification: SchoolVerificationRequest, actor: Any
) -> SchoolVerificationRequest:
    """Staff accept the school's "authentic" answer: the diploma and its current translation
    become Verified and the school's transcript is recorded as received from the school."""
    with transaction.atomic():
        locked = _lock_open(verification, Status.ANSWERED)
        if locked.answer != Answer.AUTHENTIC or locked.transcript_id is None:
            raise DomainError(
                "not_confirmed",
                "Only an answer that confirms the diploma and comes with the transcript can be accepted.",
            )
        now = timezone.now()
        locked.status = Status.ACCEPTED
        locked.decided_at = now
        locked.decided_by = _person(actor)
        locked.save(update_fields=["status", "decided_at", "decided_by"])
        note = f"Confirmed by the school (request #{locked.pk})."
        documents = Document.objects.select_for_update().filter(
            applicant_id=locked.applicant_id,
            kind=Document.Kind.TRANSLATION,
            status__in=[Document.Status.RECEIVED, Document.Status.SENT_FOR_VERIFICATION],
        )
        for translation in documents:
            _move(translation, Document.Status.VERIFIED, actor=actor, note=note, reason="")
        diploma = Document.objects.select_for_update().get(pk=locked.diploma_id)
        _move(diploma, Document.Status.VERIFIED, actor=actor, note=note, reason="")
        transcript = Document.objects.select_for_update().get(pk=locked.transcript_id)
        if transcript.status == Document.Status.RECEIVED:
            _move(
                transcript,
                Document.Status.VERIFIED,
                actor=actor,
                note=f"Received from the school (request #{locked.pk}).",
                reason="",
            )
        audit_record(
            action="school_verification.accepted",
            obj=locked,
            actor=actor,
            before={"status": Status.ANSWERED},
            after={"status": Status.ACCEPTED},
        )
        _queue(_notify_applicant(locked, STEP_APPLICANT_OUTCOME))
        applicant_status_changed(applicant_id=locked.applicant_id, cause="school_verification.accepted")
    return locked


REJECT_OUTCOMES = (Document.Status.UNABLE_TO_VERIFY, Document.Status.REJECTED)


def school_verification_reject(
    *, verification: SchoolVerificationRequest, actor: Any, outcome: str, reason: str
) -> SchoolVerificationRequest:
    """Staff do not accept the answer: the diploma becomes "Unable to verify" or "Rejected",
    with a reason the applicant sees."""
    reason = reason.strip()
    if outcome not in REJECT_OUTCOMES:
        raise DomainError("outcome_required", "Choose Unable to verify or Rejected.", field="outcome")
    if not reason:
        raise DomainError("reason_required", "Give the reason the applicant will see.", field="reason")
    with transaction.atomic():
        locked = _lock_open(verification, Status.ANSWERED)
        locked.status = Status.REJECTED
        locked.decided_at = timezone.now()
        locked.decided_by = _person(actor)
        locked.decision_reason = reason
        locked.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
        diploma = Document.objects.select_for_update().get(pk=locked.diploma_id)
        _move(diploma, outcome, actor=actor, note=reason, reason=reason)
        audit_record(
            action="school_verification.rejected",
            obj=locked,
            actor=actor,
            before={"status": Status.ANSWERED},
            after={"status": Status.REJECTED, "diploma": outcome, "reason": reason},
        )
        _queue(_notify_applicant(locked, STEP_APPLICANT_OUTCOME))
        applicant_status_changed(applicant_id=locked.applicant_id, cause="school_verification.rejected")
    return locked


def school_verification_for_token(token: str) -> SchoolVerificationRequest:
    """The request a link opens. Unknown or tampered token: NotFound. Used, closed or
    expired: LinkGone (the page says which)."""
    if not (16 <= len(token) <= 128) or not token.isalnum():
        raise NotFound("This link is not valid.")
    verification = (
        SchoolVerificationRequest.objects.select_related("applicant", "school", "diploma")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if verification is None:
        raise NotFound("This link is not valid.")
    if verification.status != Status.SENT:
        raise LinkGone("link_used", "This request has already been answered or is closed.")
    if verification.link_expires_at <= timezone.now():
        raise LinkGone("link_expired", "This link has expired.")
    return verification


def document_manual_decisions(*, document: Document) -> list[str]:
    """The statuses staff may give this document by hand, from the admin.

    Sending to the school goes through ``school_verification_request``; a diploma is
    verified only by accepting its school's answer (R-ED-8), and a diploma with an open
    request is decided there (or the request cancelled first).
    """
    allowed = [
        status
        for status in REVIEW_TRANSITIONS.get(document.status, ())
        if status != Document.Status.SENT_FOR_VERIFICATION
    ]
    if document.kind == Document.Kind.DIPLOMA:
        if SchoolVerificationRequest.objects.filter(
            diploma=document, status__in=SchoolVerificationRequest.OPEN_STATES
        ).exists():
            return []
        allowed = [status for status in allowed if status != Document.Status.VERIFIED]
    return allowed


def document_manual_decide(*, document: Document, to_status: str, actor: Any, reason: str) -> Document:
    """A staff decision taken by hand (e.g. a scan without signatures is rejected, R-ED-6),
    within ``document_manual_decisions``; recorded by ``document_decide``."""
    if to_status not in document_manual_decisions(document=document):
        raise DomainError(
            "decision_not_allowed",
            "This decision is not available here: diplomas are verified through the school's answer.",
            field="to_status",
        )
    return document_decide(document=document, to_status=to_status, actor=actor, reason=reason)
