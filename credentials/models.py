"""The school directory (IMED) and the applicant's medical-education documents."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from ecfmg_portal.folding import search_words


class School(models.Model):
    """A medical school listed in the International Medical Education Directory."""

    imed_id = models.CharField("IMED id", max_length=20, unique=True)
    name = models.CharField(max_length=300, db_index=True)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    city = models.CharField(max_length=200, blank=True)
    verification_email = models.EmailField(blank=True)
    # The language of the school's e-mails and answer page, with English beside it
    # (docs/i18n.md); the directory CSV's optional ``language`` column (api.md).
    language = models.CharField(max_length=7, choices=settings.LANGUAGES, default="en")
    # Names the school was listed under before, one a line (the directory CSV's optional
    # ``former_names`` column, separated by ";"): applicants search for the name on their diploma.
    former_names = models.TextField(blank=True)
    # Folded words of the name, former names, city, country (code and English name) and
    # IMED id, kept by ``save``: one accent- and case-free column that searches the same
    # way on SQLite and PostgreSQL (``credentials.school_search.schools_matching``).
    search_text = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["country", "name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = school_search_text(self)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_text" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_text"]
        super().save(*args, **kwargs)

    @property
    def former_name_list(self) -> list[str]:
        return [name for name in self.former_names.splitlines() if name.strip()]

    def lists_graduation_year(self, year: int) -> bool:
        """R-ED-1: inside one of the listed ranges. Uses prefetched ranges when present."""
        return any(r.contains(year) for r in self.eligibility_ranges.all())


def _english_country_name(code: str) -> str:
    with translation.override("en"):
        return str(countries.name(code) or "")


def school_search_text(school: School) -> str:
    """What the school search matches: every folded word, once, space-separated and
    with a leading and trailing space so a word prefix is found as `` <prefix>``."""
    parts = [
        school.name,
        school.former_names,
        school.city,
        school.country,
        _english_country_name(school.country),
        school.imed_id,
    ]
    words = dict.fromkeys(word for part in parts for word in search_words(part))
    return f" {' '.join(words)} " if words else ""


class EligibilityRange(models.Model):
    """Graduation years for which the school is listed; ``end_year`` null = "current"."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="eligibility_ranges")
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["start_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True) | Q(end_year__gte=models.F("start_year")),
                name="eligibility_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.start_year}-{self.end_year or 'current'}"

    def contains(self, year: int) -> bool:
        return self.start_year <= year and (self.end_year is None or year <= self.end_year)


class Document(models.Model):
    """An uploaded credential: diploma, translation, or transcript."""

    class Kind(models.TextChoices):
        DIPLOMA = "diploma", _("Final medical diploma")
        TRANSLATION = "translation", _("Official English translation of the diploma")
        FINAL_TRANSCRIPT = "final_transcript", _("Final medical school transcript")
        TRANSFER_TRANSCRIPT = "transfer_transcript", _("Transcript of the transfer school")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        SENT_FOR_VERIFICATION = "sent_for_verification", _("Sent for verification")
        VERIFIED = "verified", _("Verified")
        UNABLE_TO_VERIFY = "unable_to_verify", _("Unable to verify")
        REJECTED = "rejected", _("Rejected")
        REPLACED = "replaced", _("Replaced")

    class Source(models.TextChoices):
        APPLICANT = "applicant", "Uploaded by the applicant"
        SCHOOL = "school", "Sent by the school"

    applicant = models.ForeignKey("applicants.Applicant", on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.APPLICANT)
    file = models.FileField(max_length=200)
    content_type = models.CharField(max_length=50, help_text="Detected from the content.")
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, help_text="Of the stored (disarmed) file.")
    # The upload as received is never stored, only this fingerprint of it (several, space-
    # separated, for a document sent in several files): credentials.uploads.
    original_sha256 = models.CharField(max_length=650, blank=True)
    original_name = models.CharField(max_length=120, blank=True, help_text="Shown to people only.")
    language = models.CharField(
        max_length=8, default="en", help_text="ISO 639-1 code of the document's language."
    )
    issue_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=25, choices=Status.choices, default=Status.RECEIVED)
    status_reason = models.TextField(blank=True, help_text="Shown to the applicant.")
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    PERSONAL_DATA: ClassVar[tuple[str, ...]] = ("file", "original_name")
    # States in which a document still counts (a replaced or rejected one does not).
    CURRENT_STATES: ClassVar[tuple[str, ...]] = (
        Status.RECEIVED,
        Status.SENT_FOR_VERIFICATION,
        Status.VERIFIED,
        Status.UNABLE_TO_VERIFY,
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["applicant", "kind", "status"]),
            models.Index(fields=["status", "created_at"]),
            # The staff document list, oldest first, unfiltered.
            models.Index(fields=["created_at"], name="credentials_doc_created_idx"),
            # The workbench's review queues count received documents by kind and source
            # and name the oldest: answered from this index alone, id included (issue 13).
            models.Index(
                fields=["source", "kind", "created_at", "id"],
                condition=Q(status="received"),
                name="credentials_doc_received_idx",
            ),
        ]

    def __str__(self) -> str:
        # get_kind_display() rebuilds a dict of every choice on each call; this is every row
        # of the documents lists (their checkbox label): same words, one dict lookup.
        return f"{_KIND_LABELS.get(self.kind, self.kind)} #{self.pk}"

    @property
    def is_english(self) -> bool:
        return self.language.lower() == "en"

    @staticmethod
    def status_in_english(status: str) -> str:
        """A state as legal records and report payloads write it: English, a plain str
        (the label itself is lazy: it would be read in the reader's language, and
        json.dumps refuses it)."""
        with translation.override("en"):
            return str(Document.Status(status).label)


# Lazy labels: translated when the string is made, as get_kind_display() does.
_KIND_LABELS = dict(Document.Kind.choices)


class DocumentEvent(models.Model):
    """History of a document's review: who moved it from what to what, and why."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=25, blank=True)
    to_status = models.CharField(max_length=25)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"


# School verification (R-ED-8) lives in its own module; importing it here makes
# its models part of this app's models and migrations.
from credentials.models_drafts import DocumentDraft  # noqa: E402, F401
from credentials.models_review import ReasonTemplate  # noqa: E402, F401
from credentials.models_verification import (  # noqa: E402, F401
    SchoolAnswerReview,
    SchoolVerificationRequest,
    VerificationEmail,
)
