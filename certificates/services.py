"""Issuing, rendering, reprinting and revoking the Standard ECFMG Certificate
(R-CE-1..3, R-PAY-2, R-EX-5).

Exactly once: ``Certificate.applicant`` is one-to-one (the database's guarantee)
and ``certificate_issue_if_eligible`` decides under a row lock on the applicant,
so concurrent triggers, duplicate task deliveries and retries find the first
certificate instead of making a second one. Numbers come from
``CertificateCounter`` under a row lock: sequential-looking, unique, and
unrelated to the applicant.
"""

from __future__ import annotations

import datetime
import logging
import secrets
import uuid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from applicants.models import Applicant
from applicants.notifications.services import certificate_revoked_notify
from applicants.services.identity import luhn_check_digit
from ecfmg_portal.audit.services import audit_record
from ecfmg_portal.db_retry import retry_when_locked
from ecfmg_portal.errors import Conflict, DomainError
from ecfmg_portal.events import applicant_status_changed
from ecfmg_portal.i18n import language_of

from . import jobs
from .credential import ATTACHMENT_NAME, certificate_credential_sign
from .credential import MEDIA_TYPE as CREDENTIAL_MEDIA_TYPE
from .models import Certificate, CertificateCounter
from .pdf import CERTIFICATE_SIGNATURE_BOX, certificate_content, render_certificate_pdf_bytes
from .rules import evaluate
from .selectors import applicant_facts, applicants_without_certificate_ids, assessments_in_batches
from .signing.pdf import Attachment, sign_pdf
from .status_lists import status_entry_draw, status_entry_set_revoked

logger = logging.getLogger(__name__)

# Numbers start here so the first certificates look like established ones (0-871-000-1…).
NUMBER_BASE = 8_710_000
# Causes this app announces itself: re-evaluating on them would only find the certificate.
OWN_CAUSES = ("certificate.issued", "certificate.revoked")


def format_certificate_number(value: int) -> str:
    """``0-871-234-5``: seven digits and a Luhn check digit, so a mistyped number
    is rejected rather than matched to another certificate."""
    body = f"{value:07d}"
    digits = body + luhn_check_digit(body)
    return f"{digits[0]}-{digits[1:4]}-{digits[4:-1]}-{digits[-1]}"


def certificate_number_is_valid(number: str) -> bool:
    digits = number.replace("-", "")
    return (
        len(digits) >= 8
        and digits.isascii()
        and digits.isdigit()
        and luhn_check_digit(digits[:-1]) == digits[-1]
    )


def _next_certificate_number() -> str:
    """Draw the next number under a row lock; call inside the issuing transaction, so a
    rolled-back issue gives its number back instead of leaving a gap in use."""
    CertificateCounter.objects.get_or_create(name="standard")
    counter = CertificateCounter.objects.select_for_update().get(name="standard")
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    return format_certificate_number(NUMBER_BASE + counter.last_value)


@retry_when_locked  # SQLite: a concurrent issuer waits and retries, as on PostgreSQL
def certificate_issue_if_eligible(*, applicant_id: int) -> Certificate | None:
    """Issue the applicant's certificate when every requirement is met and nothing is
    owed (R-CE-1, R-PAY-2); return it, or ``None`` while something is missing.

    Idempotent: when the applicant already has a certificate (valid or revoked)
    that certificate is returned and nothing else happens. The applicant row is
    locked while deciding, so two concurrent calls make one certificate.
    """
    try:
        with transaction.atomic():
            applicant = Applicant.objects.select_for_update().filter(pk=applicant_id).first()
            if applicant is None:
                return None
            existing = Certificate.objects.filter(applicant_id=applicant_id).first()
            if existing is not None:
                return existing
            assessment = evaluate(applicant_facts(applicant=applicant))
            if not assessment.eligible or assessment.exam_requirements_met_on is None:
                return None
            number = _next_certificate_number()
            # R-VE-4: a random unused entry in the public revocation list, kept for life.
            status_list, status_index = status_entry_draw()
            certificate = Certificate.objects.create(
                applicant=applicant,
                number=number,
                verification_code=secrets.token_urlsafe(24),
                exam_requirements_met_on=assessment.exam_requirements_met_on,
                issued_on=timezone.localdate(),
                status_list=status_list,
                status_index=status_index,
            )
            audit_record(
                action="certificate.issued",
                obj=certificate,
                after={
                    "applicant": applicant_id,
                    "number": certificate.number,
                    "exam_requirements_met_on": certificate.exam_requirements_met_on,
                    "issued_on": certificate.issued_on,
                    "policy": assessment.policy,
                },
            )
            jobs.queue_on_commit(jobs.RENDER_PDF, certificate.pk)
            applicant_status_changed(applicant_id=applicant_id, cause="certificate.issued")
    except IntegrityError:
        # Only reachable without row locks (e.g. a database that ignores FOR UPDATE):
        # the one-to-one constraint stopped a second certificate; return the first.
        existing = Certificate.objects.filter(applicant_id=applicant_id).first()
        if existing is None:
            raise
        return existing
    logger.info("certificate issued: certificate_id=%s", certificate.pk)
    return certificate


def certificate_render_pdf(*, certificate_id: int, force: bool = False) -> Certificate | None:
    """Render and store the PDF. Idempotent: an already rendered certificate is left
    alone unless ``force`` (reprint, revocation). The file name is generated here;
    the previous file is deleted once the new one is committed."""
    certificate = Certificate.objects.select_related("applicant").filter(pk=certificate_id).first()
    if certificate is None or (certificate.pdf_rendered_at is not None and not force):
        return certificate
    certificate = _with_status_entry(certificate)
    # Rendering takes a while: do it outside any transaction and lock only to store.
    credential = certificate_credential_sign(certificate)
    pdf = certificate_pdf_sign(render_certificate_pdf_bytes(certificate_content(certificate)), credential)
    name = default_storage.save(f"certificates/{uuid.uuid4().hex}.pdf", ContentFile(pdf))
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate_id)
        if locked.pdf_rendered_at is not None and not force:
            # A duplicate delivery rendered it first: keep theirs, drop ours.
            transaction.on_commit(lambda: default_storage.delete(name))
            return locked
        first_rendering = locked.pdf_rendered_at is None
        previous = locked.pdf.name
        locked.pdf.name = name
        locked.pdf_rendered_at = timezone.now()
        locked.credential = credential
        locked.save(update_fields=["pdf", "pdf_rendered_at", "credential"])
        if previous and previous != name:
            transaction.on_commit(lambda: default_storage.delete(previous))
        if first_rendering and not locked.is_revoked:
            # Tell the applicant once the download works.
            jobs.queue_on_commit(jobs.SEND_ISSUED_EMAIL, locked.pk)
    return locked


def _with_status_entry(certificate: Certificate) -> Certificate:
    """Certificates issued before status lists existed get their entry on the next
    rendering (drawn under the list's lock, kept from then on)."""
    if certificate.status_list_id is not None:
        return certificate
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.status_list_id is None:
            locked.status_list, locked.status_index = status_entry_draw()
            locked.save(update_fields=["status_list", "status_index"])
            if locked.is_revoked:
                status_entry_set_revoked(certificate=locked)
    return Certificate.objects.select_related("applicant", "status_list").get(pk=certificate.pk)


def certificate_pdf_sign(pdf: bytes, credential: str) -> bytes:
    """The rendered certificate with its credential attached, PAdES-signed (R-VE-4)."""
    return sign_pdf(
        pdf,
        reason="Standard ECFMG Certificate issued by ECFMG",
        box=CERTIFICATE_SIGNATURE_BOX,
        attachments=[
            Attachment(
                name=ATTACHMENT_NAME,
                data=credential.encode("utf-8"),
                mime_type=CREDENTIAL_MEDIA_TYPE,
                description="This certificate as a W3C Verifiable Credential",
            )
        ],
    )


def _may(actor: Any, permission: str) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and actor.has_perm(permission))


def certificate_reprint(*, certificate: Certificate, actor: Any) -> Certificate:
    """Staff reprint (R-CE-3): the same number, code and dates, a freshly rendered PDF."""
    if not _may(actor, "certificates.reprint_certificate"):
        raise DomainError("not_allowed", "Only a certificate officer can reprint a certificate.")
    with transaction.atomic():
        audit_record(
            action="certificate.reprinted",
            obj=certificate,
            actor=actor,
            after={"number": certificate.number},
        )
        jobs.queue_on_commit(jobs.RENDER_PDF, certificate.pk, force=True)
    return certificate


def certificate_revoke(*, certificate: Certificate, reason: str, actor: Any) -> Certificate:
    """A certificate officer revokes with a reason (R-CE-3). Every later verification
    and the public page read ``status``/``revoked_on``; the PDF is re-rendered marked
    revoked. Revoking twice is refused."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", "Give the reason for revoking.", field="reason")
    if not _may(actor, "certificates.revoke_certificate"):
        raise DomainError("not_allowed", "Only a certificate officer can revoke a certificate.")
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.is_revoked:
            raise Conflict("already_revoked", f"Certificate {locked.number} is already revoked.")
        locked.status = Certificate.Status.REVOKED
        locked.revoked_on = timezone.localdate()
        locked.revocation_reason = reason
        locked.revoked_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.save(update_fields=["status", "revoked_on", "revocation_reason", "revoked_by"])
        # R-VE-4: the public status list shows it from the next request on.
        status_entry_set_revoked(certificate=locked)
        audit_record(
            action="certificate.revoked",
            obj=locked,
            actor=actor,
            before={"status": Certificate.Status.VALID},
            after={"status": locked.status, "revoked_on": locked.revoked_on, "reason": reason},
        )
        jobs.queue_on_commit(jobs.RENDER_PDF, locked.pk, force=True)
        certificate_revoked_notify(certificate=locked)
        applicant_status_changed(applicant_id=locked.applicant_id, cause="certificate.revoked")
    logger.info("certificate revoked: certificate_id=%s", locked.pk)
    return locked


def issued_email_claim_stale_after() -> datetime.timedelta:
    """A claim older than the hard task time limit (plus a margin) outlived its worker."""
    return datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def issued_email_message_id(certificate: Certificate) -> str:
    """The same Message-ID on every attempt, so a receiving server can drop a duplicate."""
    return f"<certificate-issued-{certificate.pk}@{urlsplit(settings.SITE_URL).hostname}>"


def certificate_send_issued_email(*, certificate_id: int) -> bool:
    """E-mail the applicant that the certificate is issued; returns whether this call sent it.

    Claim, send, record: the claim is a conditional UPDATE (unsent, and unclaimed or
    claimed longer ago than the task time limit), so a duplicated or retried task that
    finds a live claim sends nothing. A failed send gives the claim back for the retry; a
    worker killed between claim and record leaves a stale claim that
    ``certificates.resume.issued_emails_resume`` re-queues. The one window left: killed
    after SMTP accepted the message and before the record, the e-mail goes again, with
    the same Message-ID (docs/security.md, "Interrupted work").
    """
    claimed_at = timezone.now()
    claimable = Q(email_claimed_at__isnull=True) | Q(
        email_claimed_at__lt=claimed_at - issued_email_claim_stale_after()
    )
    claimed = Certificate.objects.filter(claimable, pk=certificate_id, email_sent_at__isnull=True).update(
        email_claimed_at=claimed_at
    )
    if claimed != 1:
        return False
    certificate = Certificate.objects.select_related("applicant__user").get(pk=certificate_id)
    context = {
        "certificate": certificate,
        "applicant": certificate.applicant,
        "certificate_url": settings.SITE_URL + reverse("certificate_detail"),
    }
    # In the applicant's saved language (docs/i18n.md); the certificate itself stays English.
    with translation.override(language_of(certificate.applicant.user)):
        subject = gettext("Your Standard ECFMG Certificate has been issued")
        body = render_to_string("certificates/email/issued.txt", context)
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[certificate.applicant.user.email],
        headers={"Message-ID": issued_email_message_id(certificate)},
    )
    ours = Certificate.objects.filter(pk=certificate_id, email_claimed_at=claimed_at)
    try:
        message.send()
    except Exception:
        ours.update(email_claimed_at=None)
        raise
    Certificate.objects.filter(pk=certificate_id, email_sent_at__isnull=True).update(
        email_sent_at=timezone.now()
    )
    return True


def certificates_sweep(*, batch_size: int = 500) -> int:
    """Re-evaluate every applicant without a certificate, ``batch_size`` at a time
    (a fixed number of queries per batch); issue where eligible. Catches any trigger
    that was lost. Returns how many certificates were issued."""
    issued = 0
    ids = applicants_without_certificate_ids()
    for applicant_id, assessment in assessments_in_batches(ids, batch_size=batch_size):
        if assessment.eligible and certificate_issue_if_eligible(applicant_id=applicant_id) is not None:
            issued += 1
    return issued
