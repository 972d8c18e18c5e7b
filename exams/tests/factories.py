from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from applicants.models import Applicant, LedgerEntry
from exams.models import Exam, ExamApplication, ExamResult


class ExamResultFactory(factory.django.DjangoModelFactory):
    """A stored result, written directly (the facts tests need rows, not the R-EX-8 checks)."""

    class Meta:
        model = ExamResult

    applicant = factory.SubFactory("applicants.tests.factories.ApplicantFactory")
    exam = Exam.STEP1
    test_date = datetime.date(2025, 6, 1)
    outcome = ExamResult.Outcome.PASS
    score = 240


class ExamApplicationFactory(factory.django.DjangoModelFactory):
    """An application with its fee charge, written directly (no e-mail, no limits)."""

    class Meta:
        model = ExamApplication

    applicant = factory.SubFactory("applicants.tests.factories.ApplicantFactory")
    exam = Exam.STEP1
    eligibility_start = factory.LazyFunction(timezone.localdate)
    eligibility_end = factory.LazyAttribute(lambda o: o.eligibility_start + datetime.timedelta(days=91))
    fee = factory.LazyAttribute(
        lambda o: LedgerEntry.objects.create(
            applicant=o.applicant,
            kind=LedgerEntry.Kind.CHARGE,
            amount=Decimal("1000.00"),
            description=f"Application fee: {Exam(o.exam).label}",
        )
    )
    scheduling_number = factory.Sequence(lambda n: f"9000-0000-{n:04d}")


def applied_for(applicant: Applicant, exam: str = Exam.STEP1, *, paid: bool = True) -> ExamApplication:
    """An exam application made today, its fee settled when ``paid``: what opens the
    processing of the applicant's credentials (R-ED-3)."""
    application = ExamApplicationFactory(applicant=applicant, exam=exam)
    if paid:
        LedgerEntry.objects.create(
            applicant=applicant,
            kind=LedgerEntry.Kind.PAYMENT,
            amount=-application.fee.amount,
            description="Card payment",
        )
    return application


def sitting_for(
    applicant: Applicant, exam: str, test_date: datetime.date, *, paid: bool = True
) -> ExamApplication:
    """Make ``test_date`` a real sitting of ``exam`` (R-EX-8): the ID issued before it and
    an application whose eligibility period contains it. ``paid`` settles the fee so a
    test about something else is not held up by a balance (R-PAY-2)."""
    issued = datetime.datetime.combine(
        test_date - datetime.timedelta(days=60), datetime.time(9), datetime.UTC
    )
    if applicant.usmle_id_issued_at is None or applicant.usmle_id_issued_at > issued:
        applicant.usmle_id_issued_at = issued
        Applicant.objects.filter(pk=applicant.pk).update(usmle_id_issued_at=issued)
    application = ExamApplicationFactory(
        applicant=applicant, exam=exam, eligibility_start=test_date - datetime.timedelta(days=7)
    )
    if paid:
        LedgerEntry.objects.create(
            applicant=applicant,
            kind=LedgerEntry.Kind.PAYMENT,
            amount=-application.fee.amount,
            description="Card payment",
        )
    return application
