"""The school-verification outbox: writing e-mail rows, delivering each exactly once.

Every e-mail of the workflow is a ``VerificationEmail`` row, unique per
(request, step), written in the same transaction as the change it announces.
Delivering one:

1. claim it with a conditional UPDATE (pending -> sending; or a "sending" row whose
   claim is older than ``SCHOOL_VERIFICATION_SENDING_STALE_SECONDS``: its worker died);
2. render and hand it to the mail backend;
3. mark it sent.

A second delivery of the same task finds nothing to claim and does nothing. If the
database connection drops after the SMTP server accepted the message, step 3 is
retried on a fresh connection, and the send was already written to the sent log
(the shared cache, a different service): a retry that finds it there records
"sent" without sending again. The window left is a crash in the instant between
the SMTP server's acceptance and the sent-log write; the stable Message-ID lets a
deduplicating server drop that copy. We chose this tiny at-least-once window over
marking "sent" before sending, which would lose e-mails on every crash.

This module does not queue tasks (``credentials.tasks`` imports it): it returns the
ids of rows to deliver, and the caller queues them.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Greatest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from credentials.models import SchoolVerificationRequest, VerificationEmail
from ecfmg_portal.audit.services import audit_record
from ecfmg_portal.i18n import language_of

# The outbox's answer types live on the ground floor, with the retry policy that reads them.
from ecfmg_portal.mail_retry import Delivery, DeliveryResult, TransientEmailError

logger = logging.getLogger(__name__)

STEP_REQUEST = "request"
STEP_ESCALATION = "escalation"
STEP_APPLICANT_SENT = "applicant-sent"
STEP_APPLICANT_ANSWERED = "applicant-answered"
STEP_APPLICANT_OUTCOME = "applicant-outcome"
STEP_APPLICANT_CANCELLED = "applicant-cancelled"
LINK_SALT = "credentials.school_verification.respond-link"
# A pending row older than this was probably never queued (broker down at commit time).
PENDING_REQUEUE_AFTER = datetime.timedelta(minutes=10)


def link_token(verification: SchoolVerificationRequest) -> str:
    """The secret in the school's link: HMAC(SECRET_KEY, nonce); only its hash is stored."""
    return salted_hmac(LINK_SALT, verification.link_nonce, algorithm="sha256").hexdigest()


def reminder_step(number: int) -> str:
    return f"reminder-{number}"


def verification_email_add(
    *, verification: SchoolVerificationRequest, step: str, kind: str, to_address: str
) -> VerificationEmail | None:
    """Record one e-mail to send (inside the caller's transaction); None if that step exists."""
    email, created = VerificationEmail.objects.get_or_create(
        request=verification, step=step, defaults={"kind": kind, "to_address": to_address}
    )
    return email if created else None


def _describe(exc: BaseException) -> str:
    # Class and SMTP code only: SMTP replies can echo the recipient's address.
    code = getattr(exc, "smtp_code", None)
    return f"{exc.__class__.__name__}{f' {code}' if code else ''}"[:300]


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return False
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, ConnectionError | TimeoutError)


def _skip_reason(email: VerificationEmail) -> str:
    verification = email.request
    if email.kind in VerificationEmail.SCHOOL_KINDS:
        if verification.status != SchoolVerificationRequest.Status.SENT:
            return "the request is no longer waiting for the school"
        if email.to_address != verification.contact_email:
            return "the school's contact changed"
    if (
        email.kind == VerificationEmail.Kind.STAFF_ESCALATION
        and verification.status != SchoolVerificationRequest.Status.SENT
    ):
        return "the school answered or the request was closed"
    return ""


def _subject(email: VerificationEmail) -> str:
    verification = email.request
    applicant = verification.applicant
    if email.kind == VerificationEmail.Kind.SCHOOL_REQUEST:
        return _("ECFMG diploma verification request: %(name)s") % {"name": applicant.full_name}
    if email.kind == VerificationEmail.Kind.SCHOOL_REMINDER:
        return _("Reminder: ECFMG diploma verification request for %(name)s") % {"name": applicant.full_name}
    if email.kind == VerificationEmail.Kind.STAFF_ESCALATION:
        return f"School verification #{verification.pk}: no answer after {_age_days(verification)} days"
    return _("Your ECFMG credential verification: an update")


def _age_days(verification: SchoolVerificationRequest) -> int:
    return (timezone.now() - verification.created_at).days


def _template(email: VerificationEmail) -> str:
    if email.kind in VerificationEmail.SCHOOL_KINDS:
        return "emails/school/verification_request.txt"
    if email.kind == VerificationEmail.Kind.STAFF_ESCALATION:
        return "emails/school/staff_escalation.txt"
    return f"emails/applicant/verification_{email.step.removeprefix('applicant-')}.txt"


def _render(email: VerificationEmail) -> EmailMessage:
    verification = email.request
    context = {
        "verification": verification,
        "applicant": verification.applicant,
        "school": verification.school,
        "is_reminder": email.kind == VerificationEmail.Kind.SCHOOL_REMINDER,
        "age_days": _age_days(verification),
        "site_url": settings.SITE_URL,
        "support_email": settings.SUPPORT_EMAIL,
        "admin_url": settings.SITE_URL
        + reverse("admin:credentials_schoolverificationrequest_change", args=[verification.pk]),
    }
    if email.kind in VerificationEmail.SCHOOL_KINDS:
        context["link"] = settings.SITE_URL + reverse("school:respond", args=[link_token(verification)])
    if email.kind in VerificationEmail.SCHOOL_KINDS:
        subject, body = _school_bilingual(email, context)
    else:
        # Applicants read their own language; staff escalations stay in English.
        to_applicant = email.kind != VerificationEmail.Kind.STAFF_ESCALATION
        with translation.override(language_of(verification.applicant.user) if to_applicant else "en"):
            subject, body = _subject(email), render_to_string(_template(email), context)
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to_address],
        # The same Message-ID on every attempt lets a receiving server drop a duplicate.
        headers={"Message-ID": f"<school-verification-{email.pk}@{urlsplit(settings.SITE_URL).hostname}>"},
    )


def _school_bilingual(email: VerificationEmail, context: dict[str, object]) -> tuple[str, str]:
    """The school's e-mail in its language, then the same in English (docs/i18n.md): the
    official may forward it to a colleague, and the request comes from a US body."""
    language = language_of(email.request.school)
    parts = []
    for code in dict.fromkeys([language, "en"]):
        with translation.override(code):
            parts.append((_subject(email), render_to_string(_template(email), context)))
    if len(parts) == 1:
        return parts[0]
    (own_subject, own_body), (english_subject, english_body) = parts
    return f"{own_subject} / {english_subject}", f"{own_body.rstrip()}\n\n-- English --\n\n{english_body}"


def verification_email_deliver(*, email_id: int) -> DeliveryResult:
    """Send one outbox row at most once (see the module docstring for the one window)."""
    now = timezone.now()
    stale_seconds = settings.SCHOOL_VERIFICATION_SENDING_STALE_SECONDS
    stale_before = now - datetime.timedelta(seconds=stale_seconds)
    claimable = Q(status=VerificationEmail.Status.PENDING) | Q(
        status=VerificationEmail.Status.SENDING, claimed_at__lt=stale_before
    )
    claimed = (
        VerificationEmail.objects.filter(claimable, pk=email_id).update(
            status=VerificationEmail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
        == 1
    )
    if not claimed:
        row = VerificationEmail.objects.filter(pk=email_id).values("status", "claimed_at").first()
        if row and row["status"] == VerificationEmail.Status.SENDING and row["claimed_at"]:
            wait = (row["claimed_at"] - stale_before).total_seconds()
            return DeliveryResult(Delivery.BUSY, retry_in=max(wait, 0.0) + 1.0)
        return DeliveryResult(Delivery.NOTHING_TO_DO)
    email = VerificationEmail.objects.select_related(
        "request__applicant__user", "request__school", "request__diploma"
    ).get(pk=email_id)
    reason = _skip_reason(email)
    if reason:
        VerificationEmail.objects.filter(pk=email_id, status=VerificationEmail.Status.SENDING).update(
            status=VerificationEmail.Status.SKIPPED, last_error=reason[:300]
        )
        return DeliveryResult(Delivery.SKIPPED)
    if sent_log_has(email):
        # Sent before, but the database lost the record (connection dropped after the
        # SMTP server accepted it): record it now, never send it again.
        _record_sent(email_id)
        logger.info("verification e-mail %s found in the sent log; not sent again", email_id)
        return DeliveryResult(Delivery.SENT)
    message = _render(email)
    if settings.SCHOOL_VERIFICATION_SEND_PAUSE_SECONDS:
        # Test hook only (the crash test kills the worker here); 0 in every real deployment.
        time.sleep(settings.SCHOOL_VERIFICATION_SEND_PAUSE_SECONDS)
    try:
        message.send()
    except (smtplib.SMTPException, ConnectionError, TimeoutError) as exc:
        if _is_transient(exc):
            VerificationEmail.objects.filter(pk=email_id, status=VerificationEmail.Status.SENDING).update(
                status=VerificationEmail.Status.PENDING, last_error=_describe(exc)
            )
            logger.warning("verification e-mail %s: transient error %s", email_id, _describe(exc))
            raise TransientEmailError(_describe(exc)) from exc
        verification_email_fail(email_id=email_id, error=_describe(exc))
        return DeliveryResult(Delivery.FAILED)
    sent_log_add(email)
    _record_sent(email_id)
    logger.info("verification e-mail %s (%s) sent", email_id, email.step)
    return DeliveryResult(Delivery.SENT)


# The sent log: written the moment the SMTP server accepts a message, in the shared cache
# (Redis in production), a different service from the database. If the database
# connection drops before "sent" is recorded, the retry finds the message here and
# records it instead of sending it again. The window left is the instant between the
# SMTP server's acceptance and this write (and losing the cache within that week);
# the stable Message-ID then lets a deduplicating server drop the copy.
SENT_LOG_SECONDS = 7 * 24 * 3600


def _sent_log_key(email: VerificationEmail) -> str:
    # The row's creation time too: an id reused after a database restore is another e-mail.
    return f"school-verification-email-sent:{email.pk}:{email.created_at.timestamp()}"


def sent_log_add(email: VerificationEmail) -> None:
    try:
        cache.set(_sent_log_key(email), timezone.now().isoformat(), timeout=SENT_LOG_SECONDS)
    except Exception:  # the cache being down must not undo a sent e-mail
        logger.warning("verification e-mail %s: could not write the sent log", email.pk)


def sent_log_has(email: VerificationEmail) -> bool:
    try:
        return cache.get(_sent_log_key(email)) is not None
    except Exception:  # no sent log: fall back to the claim alone
        logger.warning("verification e-mail %s: could not read the sent log", email.pk)
        return False


def _record_sent(email_id: int) -> None:
    """Mark the row sent; a dropped connection is reopened and the write tried again a
    few times before giving up (the sent log then covers the task's retry)."""
    for attempt in range(3):
        try:
            VerificationEmail.objects.filter(pk=email_id).update(
                status=VerificationEmail.Status.SENT, sent_at=timezone.now(), last_error=""
            )
            return
        except (OperationalError, InterfaceError):
            if attempt == 2 or connection.in_atomic_block:
                raise
            connection.close()  # the next query opens a fresh connection
            time.sleep(0.2 * (attempt + 1))


def verification_email_fail(*, email_id: int, error: str) -> None:
    """Record a permanent failure; staff see it in the admin and can resend or fix the contact."""
    with transaction.atomic():
        updated = VerificationEmail.objects.filter(
            pk=email_id,
            status__in=[VerificationEmail.Status.PENDING, VerificationEmail.Status.SENDING],
        ).update(status=VerificationEmail.Status.FAILED, last_error=error[:300])
        if updated:
            email = VerificationEmail.objects.get(pk=email_id)
            audit_record(
                action="verification_email.failed",
                obj=email,
                after={"step": email.step, "error": email.last_error},
            )
    logger.warning("verification e-mail %s failed permanently: %s", email_id, error)


def verification_reminders_queue(*, now: datetime.datetime | None = None) -> list[int]:
    """Write the reminder and escalation e-mails that are due; return their ids to queue.

    One scan per step, whatever the number of requests. Only the latest due reminder
    is sent (a request that missed day 14 while beat was down gets the day-30 one,
    not both). The unique (request, step) constraint makes a second run a no-op.
    """
    now = now or timezone.now()
    days = sorted(set(settings.SCHOOL_VERIFICATION_REMINDER_DAYS))
    valid = datetime.timedelta(days=settings.SCHOOL_VERIFICATION_LINK_VALID_DAYS)
    waiting = SchoolVerificationRequest.objects.filter(status=SchoolVerificationRequest.Status.SENT)
    email_ids: list[int] = []
    for number, day in enumerate(days, start=1):
        step = reminder_step(number)
        due = waiting.filter(created_at__lte=now - datetime.timedelta(days=day))
        if number < len(days):
            due = due.filter(created_at__gt=now - datetime.timedelta(days=days[number]))
        due = due.exclude(Exists(VerificationEmail.objects.filter(request=OuterRef("pk"), step=step))).filter(
            created_at__gt=now - datetime.timedelta(days=settings.SCHOOL_VERIFICATION_ESCALATION_DAYS)
        )
        email_ids += _add_for_due(
            list(due.values_list("pk", "contact_email")),
            step=step,
            kind=VerificationEmail.Kind.SCHOOL_REMINDER,
            extend_link_until=now + valid,
        )
    overdue = waiting.filter(
        created_at__lte=now - datetime.timedelta(days=settings.SCHOOL_VERIFICATION_ESCALATION_DAYS),
        escalated_at__isnull=True,
    )
    rows = [(pk, settings.STAFF_ALERT_EMAIL) for pk in overdue.values_list("pk", flat=True)]
    email_ids += _add_for_due(rows, step=STEP_ESCALATION, kind=VerificationEmail.Kind.STAFF_ESCALATION)
    return email_ids


def _add_for_due(
    rows: list[tuple[int, str]],
    *,
    step: str,
    kind: str,
    extend_link_until: datetime.datetime | None = None,
) -> list[int]:
    if not rows:
        return []
    request_ids = [pk for pk, _ in rows]
    with transaction.atomic():
        VerificationEmail.objects.bulk_create(
            [VerificationEmail(request_id=pk, step=step, kind=kind, to_address=to) for pk, to in rows],
            ignore_conflicts=True,
        )
        requests = SchoolVerificationRequest.objects.filter(pk__in=request_ids)
        if extend_link_until is not None:
            # The reminder carries the link: keep it valid for LINK_VALID_DAYS from now.
            requests.update(link_expires_at=Greatest(F("link_expires_at"), extend_link_until))
        if kind == VerificationEmail.Kind.STAFF_ESCALATION:
            requests.filter(escalated_at__isnull=True).update(escalated_at=timezone.now())
        return list(
            VerificationEmail.objects.filter(
                request_id__in=request_ids, step=step, status=VerificationEmail.Status.PENDING
            ).values_list("pk", flat=True)
        )


def verification_emails_stuck(*, now: datetime.datetime | None = None) -> list[int]:
    """Rows whose delivery was lost (never queued, or claimed by a worker that died)."""
    now = now or timezone.now()
    stale_before = now - datetime.timedelta(seconds=settings.SCHOOL_VERIFICATION_SENDING_STALE_SECONDS)
    return list(
        VerificationEmail.objects.filter(
            Q(status=VerificationEmail.Status.PENDING, created_at__lt=now - PENDING_REQUEUE_AFTER)
            & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - PENDING_REQUEUE_AFTER))
            | Q(status=VerificationEmail.Status.SENDING, claimed_at__lt=stale_before)
        ).values_list("pk", flat=True)[:1000]
    )
