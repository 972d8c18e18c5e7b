"""E-mailing the applicant at each change of their file, exactly once.

``applicant_notify`` writes one ``ApplicantNotification`` per change key, in the
caller's transaction, and queues its delivery once that transaction commits. The
``*_notify`` functions below are what the services that make the changes call: each
decides whether the applicant is told, and names the change with a stable key so a
replay (the same exam result or payment reference delivered again) finds the row
already there and sends nothing new.

The school-verification workflow e-mails its own outcomes (``VerificationEmail``):
it moves documents itself, never through ``document_decide``, so nothing here
repeats those e-mails.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from applicants.models import Applicant, IdentityChangeRequest, LedgerEntry
from applicants.notifications.models import ApplicantNotification
from applicants.notifications.tasks import send_applicant_notification
from applicants.selectors import applicant_journey
from applicants.selectors.journey_documents import kind_label
from credentials.models import Document
from ecfmg_portal.audit.services import audit_record
from ecfmg_portal.formatting import format_day, format_money
from ecfmg_portal.i18n import language_of
from exams.models import ExamApplication, ExamResult

logger = logging.getLogger(__name__)

TEMPLATE_DIR = "emails/applicant/notifications"
# What a staff decision on a document tells the applicant; other moves (sent for
# verification, replaced) are not news to them or are announced elsewhere.
NOTIFIED_DOCUMENT_STATUSES = (
    Document.Status.VERIFIED,
    Document.Status.REJECTED,
    Document.Status.UNABLE_TO_VERIFY,
)


def applicant_notify(
    *,
    applicant: Applicant,
    key: str,
    template: str,
    context: Mapping[str, Any],
    receipt_entry: LedgerEntry | None = None,
) -> ApplicantNotification:
    """Record the e-mail for one change and queue it on commit.

    Idempotent on ``key``: a second call returns the first row and queues nothing.
    Subject and body are rendered now from ``emails/applicant/notifications/<template>``
    (``_subject.txt`` and ``.txt``) with ``applicant``, ``dashboard_url`` and ``context``.
    With ``receipt_entry`` (a payment or refund) its receipt PDF is attached when sent.
    """
    # In the applicant's language (docs/i18n.md), whatever language the caller's request
    # speaks; the journey's next step is worded inside it too, since it is built in Python.
    with translation.override(language_of(applicant.user)):
        full_context = {
            "applicant": applicant,
            "dashboard_url": settings.SITE_URL + reverse("dashboard"),
            **journey_email_context(applicant),
            **context,
        }
        subject = " ".join(render_to_string(f"{TEMPLATE_DIR}/{template}_subject.txt", full_context).split())
        body = render_to_string(f"{TEMPLATE_DIR}/{template}.txt", full_context)
    try:
        # A savepoint, so a duplicate key leaves the caller's transaction usable. Three
        # queries (savepoint, insert, release): callers name new changes, so a duplicate
        # is the rare case and is not looked up first.
        with transaction.atomic():
            notification = ApplicantNotification.objects.create(
                applicant=applicant, key=key, subject=subject[:200], body=body, receipt_entry=receipt_entry
            )
    except IntegrityError:
        return ApplicantNotification.objects.get(key=key)
    send_applicant_notification.delay_on_commit(notification.pk)
    return notification


def journey_email_context(applicant: Applicant) -> dict[str, Any]:
    """What every applicant e-mail ends with: the journey's next step with its link (the
    same the dashboard shows, as of this change) and where to write for help."""
    journey = applicant_journey(applicant)
    action = journey.next_action
    url = ""
    if action is not None:
        url = action.url if action.url.startswith("mailto:") else settings.SITE_URL + action.url
    return {
        "journey": journey,
        "next_action": action,
        "next_action_url": url,
        "support_email": settings.SUPPORT_EMAIL,
    }


def certificate_revoked_notify(*, certificate: Any) -> ApplicantNotification:
    """Tell the holder their certificate was revoked, with the reason and what they can
    do (R-CE-3). Once per certificate: a certificate is revoked at most once."""
    return applicant_notify(
        applicant=certificate.applicant,
        key=f"certificate_revoked:{certificate.pk}",
        template="certificate_revoked",
        context={"certificate": certificate},
    )


def document_decision_notify(*, document: Document) -> ApplicantNotification | None:
    """Tell the applicant about a staff decision on one of their documents (not the
    document itself, nor the reason: they read it signed in)."""
    if document.status not in NOTIFIED_DOCUMENT_STATUSES:
        return None
    # The history row of this decision: "unable to verify" can happen twice to one document.
    event_id = (
        document.events.filter(to_status=document.status).order_by("-pk").values_list("pk", flat=True)[0]
    )
    return applicant_notify(
        applicant=document.applicant,
        key=f"document:{document.pk}:{document.status}:{event_id}",
        template="document_decided",
        context={"kind": kind_label(document.kind), "status": document.status},
    )


def exam_result_notify(*, result: ExamResult) -> ApplicantNotification:
    """Tell the applicant a result is recorded (the result itself is read signed in)."""
    return applicant_notify(
        applicant=result.applicant,
        key=f"exam_result:{result.pk}",
        template="exam_result_recorded",
        context={"exam": result.get_exam_display(), "test_date": result.test_date},
    )


def exam_fee_charged_notify(*, application: ExamApplication) -> ApplicantNotification:
    """Tell the applicant an exam application charged its fee (issue 12: every charge is
    e-mailed), with the eligibility period and the scheduling permit to use."""
    return applicant_notify(
        applicant=application.applicant,
        key=f"exam_fee:{application.fee_id}",
        template="exam_fee_charged",
        context={
            "exam": application.get_exam_display(),
            "amount": f"${application.fee.amount:,.2f}",
            "eligibility_start": application.eligibility_start,
            "eligibility_end": application.eligibility_end,
            "permit_url": settings.SITE_URL + reverse("permit", args=[application.pk]),
        },
    )


def ledger_entry_notify(*, entry: LedgerEntry) -> ApplicantNotification | None:
    """Tell the applicant about money in their favour: a payment or a refund (each with
    its receipt attached), or a credit.

    Charges are announced by what caused them (an exam application).
    """
    if entry.kind in (LedgerEntry.Kind.PAYMENT, LedgerEntry.Kind.REFUND):
        return applicant_notify(
            applicant=entry.applicant,
            key=f"{entry.kind}:{entry.pk}",
            template=f"{entry.kind}_receipt",
            context={
                "amount": format_money(abs(entry.amount)),
                "day": format_day(entry.created_at),
                "description": entry.description,
                "ledger_url": settings.SITE_URL + reverse("ledger"),
            },
            receipt_entry=entry,
        )
    if entry.kind != LedgerEntry.Kind.ADJUSTMENT or entry.amount >= 0:
        return None
    return applicant_notify(
        applicant=entry.applicant,
        key=f"{entry.kind}:{entry.pk}",
        template="ledger_entry",
        context={"kind": entry.kind, "amount": abs(entry.amount)},
    )


def identity_change_decision_notify(*, change_request: IdentityChangeRequest) -> ApplicantNotification:
    """Tell the applicant their correction request was decided (field names, never values)."""
    fields = [field.replace("_", " ") for field in sorted(change_request.changes)]
    return applicant_notify(
        applicant=change_request.applicant,
        key=f"identity_change:{change_request.pk}:{change_request.status}",
        template="identity_change_decided",
        context={
            "approved": change_request.status == IdentityChangeRequest.Status.APPROVED,
            "fields": fields,
        },
    )


def applicant_notifications_resend(*, notification_ids: Iterable[int], actor: Any) -> int:
    """Staff resend notifications that failed permanently (e.g. after the applicant fixed
    their address). Rows in any other state are left alone. Returns how many were queued."""
    Status = ApplicantNotification.Status
    with transaction.atomic():
        failed = list(
            ApplicantNotification.objects.select_for_update()
            .filter(pk__in=list(notification_ids), status=Status.FAILED)
            .order_by("pk")
        )
        for notification in failed:
            ApplicantNotification.objects.filter(pk=notification.pk).update(
                status=Status.PENDING, claimed_at=None
            )
            audit_record(
                action="applicant_notification.resent",
                obj=notification,
                actor=actor,
                before={"status": Status.FAILED, "error": notification.last_error},
                after={"status": Status.PENDING},
            )
            send_applicant_notification.delay_on_commit(notification.pk)
    logger.info("%s failed applicant notifications queued again", len(failed))
    return len(failed)
