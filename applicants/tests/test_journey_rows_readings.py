"""The journey's rows as the dashboard reads them equal the general ORM reading.

``journey_rows`` counts the school's reminders with two hand-written scalar
subqueries, and the signed-in applicant is loaded without joining the user again;
both are there for the dashboard's speed only, so they must answer exactly what
``Count``/``Max`` over the request's e-mails and ``journey_applicants()`` answer,
on generated applicants with every mix of e-mails.
"""

from __future__ import annotations

import datetime
import random

import pytest
from django.db.models import Count, Max, Q
from django.utils import timezone

from applicants.loadgen.generate import generate_load_data
from applicants.models import Applicant
from applicants.selectors import journey_applicants
from applicants.selectors.journey_rows import journey_applicant_of_user, journey_rows
from credentials.models import Document
from credentials.models_verification import SchoolVerificationRequest, VerificationEmail

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
        listed.add(applicant.school_listed_for_graduation)
    assert listed == {True, False}
