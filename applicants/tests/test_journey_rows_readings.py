"""The journey's rows as the dashboard reads them equal the general ORM reading.

``journey_rows`` reads the applicant's six sets of rows in one hand-written
statement (JSON rows made into model instances), counting the school's reminders
with two scalar subqueries, and the signed-in applicant is loaded without joining
the user again; all are there for the dashboard's speed only, so they must answer
exactly what the six querysets, ``Count``/``Max`` over the request's e-mails and
``journey_applicants()`` answer, on generated applicants with every mix of rows.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

import pytest
from django.db import models
from django.db.models import Count, Max, Q
from django.utils import timezone

from applicants.loadgen.generate import generate_load_data
from applicants.models import Applicant, LedgerEntry
from applicants.selectors import journey_applicants
from applicants.selectors.journey_rows import HISTORY_LIMIT, journey_applicant_of_user, journey_rows
from credentials.models import Document, DocumentEvent, EligibilityRange
from credentials.models_verification import SchoolVerificationRequest, VerificationEmail
from exams.models import ExamApplication, ExamResult

pytestmark = pytest.mark.django_db

SMALL = {"schools": 30, "programs": 5, "authorities": 2, "batch_size": 100}
Kind = VerificationEmail.Kind
Status = VerificationEmail.Status


def _requests_with_every_mix_of_emails(rng: random.Random) -> list[Applicant]:
    """A request for each diploma without one (one request per diploma), each with
    e-mails of every kind and status, some sent and some not."""
    now = timezone.now()
    applicants = []
    diplomas = (
        Document.objects.filter(kind=Document.Kind.DIPLOMA, applicant__school__isnull=False)
        .exclude(school_verifications__isnull=False)
        .select_related("applicant__school")
    )
    for n, diploma in enumerate(diplomas[:60]):
        applicant = diploma.applicant
        request = SchoolVerificationRequest.objects.create(
            applicant=applicant,
            diploma=diploma,
            school=applicant.school,
            contact_email="registrar@school.test",
            link_nonce="n" * 32,
            token_hash=f"{n:04d}".ljust(64, "h"),
            link_expires_at=now + datetime.timedelta(days=30),
            created_at=now - datetime.timedelta(days=rng.randint(1, 100)),
        )
        for step in range(rng.randint(0, 5)):
            status = rng.choice(list(Status))
            VerificationEmail.objects.create(
                request=request,
                step=f"step-{step}",
                kind=rng.choice([Kind.SCHOOL_REMINDER, Kind.SCHOOL_REMINDER, Kind.SCHOOL_REQUEST]),
                to_address="registrar@school.test",
                status=status,
                sent_at=now - datetime.timedelta(days=rng.randint(0, 90), minutes=step)
                if status == Status.SENT or rng.random() < 0.2
                else None,
            )
        applicants.append(applicant)
    return applicants


def test_the_reminders_read_by_hand_equal_count_and_max_over_the_emails():
    generate_load_data(applicants=120, seed=11, **SMALL)
    applicants = _requests_with_every_mix_of_emails(random.Random(11))
    assert len(applicants) >= 10

    sent_reminders = Q(emails__kind=Kind.SCHOOL_REMINDER, emails__status=Status.SENT)
    seen_counts = set()
    for applicant in applicants:
        expected = (
            SchoolVerificationRequest.objects.filter(applicant=applicant)
            .annotate(
                n=Count("emails", filter=sent_reminders), last=Max("emails__sent_at", filter=sent_reminders)
            )
            .order_by("-created_at", "-pk")
            .first()
        )
        request = journey_rows(applicant).school_request
        assert expected is not None and request is not None
        assert request.pk == expected.pk
        assert (request.reminder_count, request.last_reminder_at) == (expected.n, expected.last)
        seen_counts.add(expected.n)
    # The data had requests without reminders and with several.
    assert 0 in seen_counts and max(seen_counts) >= 2


def test_the_signed_in_applicant_reads_as_journey_applicants_in_one_query(django_assert_num_queries):
    generate_load_data(applicants=120, seed=12, **SMALL)
    # Transfer schools listed and not, and graduation years on each side of a range's ends.
    ranges = list(EligibilityRange.objects.order_by("pk"))
    for n, listed in enumerate(ranges[::4]):
        listed.end_year = listed.start_year + n % 3
        listed.save(update_fields=["end_year"])
    for n, applicant in enumerate(Applicant.objects.exclude(school=None).order_by("pk")[:40]):
        applicant.transfer_school_id = ranges[n % len(ranges)].school_id if n % 2 else applicant.school_id
        applicant.save(update_fields=["transfer_school"])
    flags = ("school_listed_for_graduation", "transfer_school_listed")
    listed = set()
    for expected in journey_applicants().order_by("pk"):
        user = expected.user
        with django_assert_num_queries(1):
            applicant = journey_applicant_of_user(user)
            assert applicant is not None
            # Everything the journey reads from the row is loaded: the user attached,
            # the schools and certificate joined.
            assert applicant.user is user
            school = applicant.school and applicant.school.name
            transfer = applicant.transfer_school and applicant.transfer_school.name
            certificate = getattr(applicant, "certificate", None)
        assert (school, transfer) == (
            expected.school and expected.school.name,
            expected.transfer_school and expected.transfer_school.name,
        )
        assert (certificate and certificate.pk) == (
            getattr(expected, "certificate", None) and expected.certificate.pk
        )
        assert [getattr(applicant, f) for f in flags] == [getattr(expected, f) for f in flags]
        assert applicant.__dict__.keys() == expected.__dict__.keys()
        assert _reading(applicant) == _reading(expected)
        listed.add(tuple(getattr(applicant, f) for f in flags))
    # Each flag was seen both ways.
    assert {flags[0] for flags in listed} == {True, False} == {flags[1] for flags in listed}


def _the_six_querysets(applicant: Applicant) -> dict[str, Any]:
    """The general path: the six sets as the ORM reads them (select_related, Count/Max)."""
    sent_reminders = Q(emails__kind=Kind.SCHOOL_REMINDER, emails__status=Status.SENT)
    return {
        "documents": list(
            Document.objects.filter(applicant=applicant)
            .exclude(status=Document.Status.REPLACED)
            .order_by("-created_at", "-pk")
        ),
        "history": list(
            DocumentEvent.objects.filter(document__applicant=applicant)
            .select_related("document")
            .order_by("-at", "-id")[:HISTORY_LIMIT]
        ),
        "results": list(ExamResult.objects.filter(applicant=applicant).order_by("test_date", "pk")),
        "applications": list(
            ExamApplication.objects.filter(applicant=applicant).order_by("created_at", "pk")
        ),
        "ledger": list(LedgerEntry.objects.filter(applicant=applicant).order_by("created_at", "pk")),
        "school_request": SchoolVerificationRequest.objects.filter(applicant=applicant)
        .select_related("school")
        .annotate(
            reminder_count=Count("emails", filter=sent_reminders),
            last_reminder_at=Max("emails__sent_at", filter=sent_reminders),
        )
        .order_by("-created_at", "-pk")
        .first(),
    }


def _reading(instance: models.Model | None, *, depth: int = 2) -> Any:
    """Every column as the page would read it: its type and its text (a Decimal's
    places, a datetime's offset), with the instance's state and its loaded relations
    (read in turn, to ``depth``: a certificate's applicant is the applicant)."""
    if instance is None or depth == 0:
        return instance and (type(instance), instance.pk)
    values = [
        (f.attname, type(getattr(instance, f.attname)), str(getattr(instance, f.attname)))
        for f in instance._meta.concrete_fields
    ]
    relations = {
        name: _reading(related, depth=depth - 1) for name, related in instance._state.fields_cache.items()
    }
    state = (instance._state.db, instance._state.adding, sorted(instance.__dict__))
    return type(instance), values, relations, state


def _more_of_every_row(rng: random.Random) -> None:
    """What the generated load has little or none of: document history (some files
    past the timeline's limit, some events at the same instant), replaced documents,
    refunds and amounts with cents."""
    now = timezone.now()
    documents = list(Document.objects.order_by("pk"))
    events = []
    for document in documents[::2]:
        same_instant = now - datetime.timedelta(days=rng.randint(0, 400))
        for n in range(rng.choice([1, 2, 4, HISTORY_LIMIT + 5])):
            at = same_instant if n % 3 == 0 else now - datetime.timedelta(days=rng.randint(0, 400), seconds=n)
            events.append(
                DocumentEvent(
                    document=document, from_status="received", to_status="verified", note=f"n{n}", at=at
                )
            )
    DocumentEvent.objects.bulk_create(events)
    Document.objects.filter(pk__in=[d.pk for d in documents[1::5]]).update(status=Document.Status.REPLACED)
    applicants = list(Applicant.objects.order_by("pk")[::3])
    # A refund is positive; an adjustment either way, never zero (the ledger's constraints).
    cents = [rng.choice([-1, 1]) * rng.randint(1, 99999) for _ in applicants]
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            applicant=applicant,
            kind=LedgerEntry.Kind.ADJUSTMENT if amount < 0 or rng.random() < 0.5 else LedgerEntry.Kind.REFUND,
            amount=Decimal(amount) / 100,
            description="generated",
        )
        for applicant, amount in zip(applicants, cents, strict=True)
    )


def test_the_six_sets_in_one_statement_equal_the_six_querysets(django_assert_num_queries):
    generate_load_data(applicants=120, seed=13, **SMALL)
    rng = random.Random(13)
    _requests_with_every_mix_of_emails(rng)
    _more_of_every_row(rng)

    seen = {"history at the limit": 0, "replaced": 0, "request": 0, "reminders": 0, "cents": 0}
    for applicant in Applicant.objects.order_by("pk"):
        with django_assert_num_queries(1):
            rows = journey_rows(applicant)
        expected = _the_six_querysets(applicant)
        for name in ("documents", "history", "results", "applications", "ledger"):
            assert [_reading(row) for row in getattr(rows, name)] == [
                _reading(row) for row in expected[name]
            ], name
        assert _reading(rows.school_request) == _reading(expected["school_request"])
        if expected["school_request"] is not None:
            request = expected["school_request"]
            assert (rows.school_request.reminder_count, rows.school_request.last_reminder_at) == (
                request.reminder_count,
                request.last_reminder_at,
            )
            seen["request"] += 1
            seen["reminders"] += request.reminder_count > 1
        seen["history at the limit"] += len(rows.history) == HISTORY_LIMIT
        seen["replaced"] += applicant.documents.filter(status=Document.Status.REPLACED).exists()
        seen["cents"] += any(entry.amount % 1 for entry in rows.ledger)
    # The data held every case the statement reads differently from the ORM.
    assert all(seen.values()), seen
