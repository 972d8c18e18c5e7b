from __future__ import annotations

import factory

from credentials.models import Document, EligibilityRange, School


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School
        django_get_or_create = ("imed_id",)
        skip_postgeneration_save = True

    imed_id = factory.Sequence(lambda n: f"F{n:07d}")
    name = factory.Sequence(lambda n: f"Faculty of Medicine {n}")
    country = "IN"
    city = "Mumbai"
    verification_email = factory.Sequence(lambda n: f"registrar{n}@school.example")

    @factory.post_generation
    def ranges(self, create, extracted, **kwargs):
        """``ranges=[(1990, None)]``; default: listed from 1960 to "current"."""
        if not create:
            return
        for start, end in extracted if extracted is not None else [(1960, None)]:
            EligibilityRange.objects.create(school=self, start_year=start, end_year=end)  # type: ignore[misc]


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    applicant = factory.SubFactory("applicants.tests.factories.ApplicantFactory")
    kind = Document.Kind.DIPLOMA
    file = factory.Sequence(lambda n: f"documents/test/{n}.pdf")
    content_type = "application/pdf"
    size = 1234
    # A distinct digest per document, as real files have: the review pages are cached
    # under it, and a shared one let one test read another test's pages.
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    original_name = "diploma.pdf"
    language = "en"
