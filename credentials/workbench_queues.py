"""The credentials queues on the staff home page (``ecfmg_portal.workbench``).

Imported by ``credentials/admin.py``. Each queue is the same condition the
changelist filters on with ``?queue=<key>``, so the count on the home page is
the length of the list it links to.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from credentials.models import (
    Document,
    DocumentEvent,
    SchoolAnswerReview,
    SchoolVerificationRequest,
    VerificationEmail,
)
from credentials.selectors import school_turnaround
from ecfmg_portal.workbench.registry import (
    Queue,
    TurnaroundPoint,
    queue_register,
    turnaround_register,
    weekly_counts,
)

SILENT_AFTER_DAYS = 90
Status = Document.Status
Verification = SchoolVerificationRequest.Status


def _decided_documents(kinds: Q, since: datetime.datetime) -> dict[datetime.date, int]:
    events = DocumentEvent.objects.filter(from_status=Status.RECEIVED).filter(
        Q(document__in=Document.objects.filter(kinds))
    )
    return weekly_counts(events, "at", since)


DIPLOMAS = Q(kind=Document.Kind.DIPLOMA)
OTHER_DOCUMENTS = ~Q(kind=Document.Kind.DIPLOMA) & Q(source=Document.Source.APPLICANT)

DIPLOMAS_TO_SEND = queue_register(
    Queue(
        key="diplomas",
        title="Diplomas to review and send to the school",
        noun="diploma",
        noun_plural="diplomas",
        permission="credentials.add_schoolverificationrequest",
        model=Document,
        condition=lambda: DIPLOMAS & Q(status=Status.RECEIVED),
        oldest_field="created_at",
        order=10,
        weekly=lambda since: (
            weekly_counts(Document.objects.filter(DIPLOMAS), "created_at", since),
            _decided_documents(DIPLOMAS, since),
        ),
        description="Check the scan against the identity, then send it to the school or reject it.",
    )
)

DOCUMENTS_TO_REVIEW = queue_register(
    Queue(
        key="documents",
        title="Translations and transcripts to review",
        noun="document",
        noun_plural="documents",
        permission="credentials.change_document",
        model=Document,
        condition=lambda: OTHER_DOCUMENTS & Q(status=Status.RECEIVED),
        oldest_field="created_at",
        order=20,
        weekly=lambda since: (
            weekly_counts(Document.objects.filter(OTHER_DOCUMENTS), "created_at", since),
            _decided_documents(OTHER_DOCUMENTS, since),
        ),
    )
)

SCHOOL_ANSWERS = queue_register(
    Queue(
        key="school_answers",
        title="School answers to evaluate",
        noun="answer",
        noun_plural="answers",
        permission="credentials.change_schoolverificationrequest",
        model=SchoolAnswerReview,
        condition=lambda: Q(status=Verification.ANSWERED),
        oldest_field="answered_at",
        order=30,
        weekly=lambda since: (
            weekly_counts(SchoolVerificationRequest.objects.all(), "answered_at", since),
            weekly_counts(
                SchoolVerificationRequest.objects.filter(
                    status__in=[Verification.ACCEPTED, Verification.REJECTED], answered_at__isnull=False
                ),
                "decided_at",
                since,
            ),
        ),
    )
)

SCHOOLS_SILENT = queue_register(
    Queue(
        key="schools_silent",
        title=f"Schools silent for more than {SILENT_AFTER_DAYS} days",
        noun="request",
        noun_plural="requests",
        permission="credentials.change_schoolverificationrequest",
        model=SchoolVerificationRequest,
        condition=lambda: Q(
            status=Verification.SENT,
            created_at__lte=timezone.now() - datetime.timedelta(days=SILENT_AFTER_DAYS),
        ),
        oldest_field="created_at",
        order=40,
        description="Call the school, change the contact, or cancel the request.",
    )
)

SCHOOL_EMAILS_FAILED = queue_register(
    Queue(
        key="school_emails_failed",
        title="School verification e-mails that failed",
        noun="e-mail",
        noun_plural="e-mails",
        permission="credentials.change_schoolverificationrequest",
        model=VerificationEmail,
        condition=lambda: Q(status=VerificationEmail.Status.FAILED),
        oldest_field="created_at",
        order=80,
    )
)


def _turnaround(since: datetime.datetime) -> list[TurnaroundPoint]:
    return [
        TurnaroundPoint(row.label, row.answered, row.median_days, row.p90_days)
        for row in school_turnaround(since=since)["country"]
    ]


turnaround_register(_turnaround)
