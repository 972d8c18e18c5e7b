"""The applicants queues on the staff home page (``ecfmg_portal.workbench``)."""

from __future__ import annotations

from django.db.models import Q

from applicants.models import IdentityChangeRequest
from applicants.notifications.models import ApplicantNotification
from applicants.payments.models import ProviderEvent
from ecfmg_portal.workbench.registry import Queue, people_search_register, queue_register, weekly_counts

IDENTITY_CORRECTIONS = queue_register(
    Queue(
        key="identity_corrections",
        title="Identity corrections to decide",
        noun="correction",
        noun_plural="corrections",
        permission="applicants.change_identitychangerequest",
        model=IdentityChangeRequest,
        condition=lambda: Q(status=IdentityChangeRequest.Status.PENDING),
        oldest_field="created_at",
        order=50,
        weekly=lambda since: (
            weekly_counts(IdentityChangeRequest.objects.all(), "created_at", since),
            weekly_counts(IdentityChangeRequest.objects.all(), "decided_at", since),
        ),
        description="The applicant's current identity beside what they ask to change.",
    )
)

PAYMENTS_UNMATCHED = queue_register(
    Queue(
        key="payments_unmatched",
        title="Payments that match no applicant",
        noun="payment",
        noun_plural="payments",
        permission="applicants.add_ledgerentry",
        model=ProviderEvent,
        condition=lambda: Q(outcome=ProviderEvent.Outcome.UNMATCHED),
        oldest_field="received_at",
        order=70,
        description="Find the applicant and record the payment on their ledger.",
    )
)

APPLICANT_EMAILS_FAILED = queue_register(
    Queue(
        key="applicant_emails_failed",
        title="E-mails to applicants that failed",
        noun="e-mail",
        noun_plural="e-mails",
        permission="applicants.view_applicantnotification",
        model=ApplicantNotification,
        condition=lambda: Q(status=ApplicantNotification.Status.FAILED),
        oldest_field="created_at",
        order=81,
    )
)

people_search_register("admin:applicants_applicant_changelist", "applicants.view_applicant")
