from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from applicants.models import Applicant, LedgerEntry, User
from applicants.services.identity import fold_name, generate_usmle_id


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"applicant{n}@example.com")
    password = factory.django.Password("correct-horse-battery-9")
    email_confirmed_at = factory.LazyFunction(timezone.now)


class ApplicantFactory(factory.django.DjangoModelFactory):
    """An applicant with an issued ID and a graduation two years ago."""

    class Meta:
        model = Applicant

    user = factory.SubFactory(UserFactory)
    given_names = "Priya"
    last_name = factory.Sequence(lambda n: f"Sharma{n}")
    last_name_folded = factory.LazyAttribute(lambda o: fold_name(o.last_name))
    date_of_birth = datetime.date(1995, 4, 12)
    country = "IN"
    school = factory.SubFactory("credentials.tests.factories.SchoolFactory")
    graduation_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=730))
    academic_years = 5
    usmle_id = factory.LazyFunction(generate_usmle_id)
    usmle_id_issued_at = factory.LazyFunction(timezone.now)


class LedgerEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LedgerEntry

    applicant = factory.SubFactory(ApplicantFactory)
    kind = LedgerEntry.Kind.CHARGE
    amount = Decimal("1000.00")
    description = "Application fee"
