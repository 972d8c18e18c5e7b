from __future__ import annotations

from typing import Any, cast

import factory

from applicants.models import Applicant
from applicants.tests.factories import ApplicantFactory
from verification.eras.models import FeedAccess
from verification.models import Organization


class ProgramFactory(factory.django.DjangoModelFactory[Organization]):
    """A residency program, named by its ACGME program id."""

    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Internal Medicine Residency {n}")
    kind = Organization.Kind.RESIDENCY_PROGRAM
    acgme_program_id = factory.Sequence(lambda n: f"14041{n:05d}")


class FeedFactory(factory.django.DjangoModelFactory[Organization]):
    """The ERAS feed's service organization, with the right to submit applications."""

    class Meta:
        model = Organization
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"ERAS feed {n}")
    kind = Organization.Kind.OTHER

    @factory.post_generation
    def access(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted is not False:
            FeedAccess.objects.create(organization=cast(Organization, self))


def applicant(**fields: Any) -> Applicant:
    """An applicant with an issued USMLE ID (typed wrapper of ``ApplicantFactory``)."""
    return cast(Applicant, ApplicantFactory(**fields))
