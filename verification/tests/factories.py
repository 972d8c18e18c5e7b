from __future__ import annotations

import datetime
import secrets

import factory

from certificates.models import Certificate
from verification.models import ApiKey, Organization
from verification.services.keys import api_key_issue


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"State Medical Board {n}")
    kind = Organization.Kind.LICENSING_AUTHORITY


def issue_key(organization: Organization | None = None, **org_fields: object) -> tuple[ApiKey, str]:
    """A key through the real service; returns (ApiKey, the secret)."""
    organization = organization or OrganizationFactory(**org_fields)
    return api_key_issue(organization=organization)


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    applicant = factory.SubFactory("applicants.tests.factories.ApplicantFactory")
    number = factory.Sequence(lambda n: f"0-{n:07d}-1")
    verification_code = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
    exam_requirements_met_on = datetime.date(2025, 9, 1)
    issued_on = datetime.date(2025, 10, 1)
