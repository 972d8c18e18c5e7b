"""Generate realistic volumes fast: plain rows written with ``bulk_create`` in batches.

The per-row services (identity, ledger, documents, certificates) are bypassed for
speed, and no audit entries are written; the invariants they keep are kept here:

- USMLE/ECFMG IDs are 8 digits with the Luhn check digit, unique, random;
- ``last_name_folded`` is ``fold_name(last_name)`` and ``search_key`` what ``Applicant.save`` writes;
- ledger signs follow the kind (charges positive, payments negative), every exam
  application has its own fee charge, certified applicants owe nothing;
- one certificate per applicant, numbers drawn from ``CertificateCounter`` (so the
  service continues after them), random verification codes;
- an applicant holds a certificate exactly when the rules engine finds every
  requirement met (``tests/perf/test_generated_data_is_consistent.py`` checks it).

Document rows all point at one small shared sample file: no per-applicant files.
Re-running adds more data (e-mails, IMED ids, organization names continue after
what exists); ``seed`` makes a run on an empty database reproducible.
"""

from __future__ import annotations

import datetime
import hashlib
import random
import secrets
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.utils import timezone

from applicants.models import Applicant, LedgerEntry, User
from applicants.search import search_key
from applicants.services.identity import fold_name, luhn_check_digit
from certificates.models import Certificate, CertificateCounter
from credentials.models import Document, EligibilityRange, School, school_search_text
from exams.models import Exam, ExamApplication, ExamResult
from verification.models import ApiKey, Organization
from verification.services.keys import KEY_PREFIX_LENGTH, api_key_hash

from .rows import Row, Table

# Countries of the schools (ISO 3166-1) with the language their diplomas are written in.
COUNTRIES: tuple[tuple[str, str], ...] = (
    ("IN", "en"), ("PK", "en"), ("PH", "en"), ("NG", "en"), ("EG", "ar"), ("MX", "es"),
    ("CO", "es"), ("DO", "es"), ("VE", "es"), ("AR", "es"), ("PE", "es"), ("CU", "es"),
    ("CN", "zh"), ("IR", "fa"), ("SY", "ar"), ("LB", "ar"), ("JO", "ar"), ("SA", "ar"),
    ("IQ", "ar"), ("RU", "ru"), ("UA", "uk"), ("PL", "pl"), ("RO", "ro"), ("DE", "de"),
    ("FR", "fr"), ("IT", "it"), ("ES", "es"), ("PT", "pt"), ("BR", "pt"), ("GR", "el"),
    ("TR", "tr"), ("IL", "he"), ("NP", "en"), ("BD", "en"), ("LK", "en"), ("MY", "en"),
    ("SG", "en"), ("ID", "id"), ("VN", "vi"), ("TH", "th"), ("KR", "ko"), ("JP", "ja"),
    ("TW", "zh"), ("GH", "en"), ("KE", "en"), ("ET", "en"), ("ZA", "en"), ("SD", "ar"),
    ("GB", "en"), ("IE", "en"), ("AU", "en"), ("NZ", "en"), ("JM", "en"), ("TT", "en"),
    ("GY", "en"), ("DM", "en"), ("GD", "en"), ("KN", "en"), ("AG", "en"), ("CA", "en"),
)  # fmt: skip
GIVEN_NAMES = (
    "Aarav", "Priya", "Mohammed", "Fatima", "José", "María", "Wei", "Li", "Olusegun", "Chiamaka",
    "Ahmed", "Layla", "Dmitri", "Olena", "Zofia", "Andrei", "Jürgen", "Élodie", "Giulia", "João",
    "Nikos", "Ayşe", "Yosef", "Anh", "Somchai", "Min-jun", "Haruto", "Kwame", "Wanjiru", "Sean",
)  # fmt: skip
LAST_NAMES = (
    "Patel", "Sharma", "Khan", "Santos", "Okafor", "Hassan", "Núñez", "García-López", "Wang",
    "Chen", "Ivanov", "Kovalenko", "Nowak", "Popescu", "Müller", "Lefèvre", "Rossi", "Gonçalves",
    "Papadopoulos", "Yılmaz", "Cohen", "Nguyễn", "Srisuk", "Kim", "Satō", "Mensah", "Kamau",  # noqa: RUF001
    "O'Brien", "Van der Berg", "Al-Sayed", "Ramírez", "Fernández", "Das", "Reddy", "Iyer",
)  # fmt: skip
CITIES = ("Capital City", "Port Town", "North Province", "University Town", "Old Town")

REGISTERED = "registered"
ID_ISSUED = "id_issued"
EXAMS_APPLIED = "exams_applied"
PASSED_SOME = "passed_some"
ALL_PASSED = "all_passed"
CREDENTIALS_RECEIVED = "credentials_received"
CREDENTIALS_SENT = "credentials_sent"
CREDENTIALS_VERIFIED = "credentials_verified"
CERTIFIED = "certified"
REVOKED = "revoked"
# Share of applicants at each stage (percent).
STAGE_WEIGHTS: dict[str, int] = {
    REGISTERED: 6,
    ID_ISSUED: 8,
    EXAMS_APPLIED: 12,
    PASSED_SOME: 16,
    ALL_PASSED: 8,
    CREDENTIALS_RECEIVED: 6,
    CREDENTIALS_SENT: 8,
    CREDENTIALS_VERIFIED: 6,
    CERTIFIED: 28,
    REVOKED: 2,
}
STAGES = tuple(STAGE_WEIGHTS)
EXAM_ORDER: tuple[str, ...] = (Exam.STEP1.value, Exam.STEP2CK.value, Exam.STEP2CS.value)
# Credential progress: nothing, diploma received, sent to the school, verified by it.
C_NONE, C_RECEIVED, C_SENT, C_VERIFIED = 0, 1, 2, 3

SAMPLE_FILE_NAME = "loadgen/sample-document.pdf"
SAMPLE_FILE_CONTENT = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
SAMPLE_SHA256 = hashlib.sha256(SAMPLE_FILE_CONTENT).hexdigest()
LOAD_PASSWORD = "load-password-1"  # noqa: S105  (every generated account; for manual tries only)
EMAIL_DOMAIN = "load.example"
ERAS_SEASON_OFFSET = 1  # programs are applied to for next year's residency season
EARLIEST = datetime.date(2008, 1, 1)
# Certificate numbers as the issuing service draws them (certificates.services): the
# counter's value above this base, seven digits and a Luhn check digit, 0-871-234-5.
CERTIFICATE_NUMBER_BASE = 8_710_000


def certificate_number(value: int) -> str:
    body = f"{CERTIFICATE_NUMBER_BASE + value:07d}"
    digits = body + luhn_check_digit(body)
    return f"{digits[0]}-{digits[1:4]}-{digits[4:-1]}-{digits[-1]}"


@dataclass
class LoadSummary:
    counts: dict[str, int] = field(default_factory=dict)
    stages: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, name: str, number: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + number


@dataclass
class _Dated:
    """An applicant's story, as dates, decided before any row is written."""

    stage: str
    created: datetime.date
    id_issued: datetime.date | None = None
    attempts: list[tuple[str, datetime.date, datetime.date | None, bool]] = field(default_factory=list)
    credentials: int = C_NONE
    paid_all: bool = True
    certified_on: datetime.date | None = None


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(rng.randrange(8, 18), rng.randrange(60), rng.randrange(60)), tzinfo=datetime.UTC
    )


@contextmanager
def _explicit_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let ``bulk_create`` write the historical dates we give instead of "now"
    (``auto_now``/``auto_now_add`` would overwrite them)."""
    saved: list[tuple[models.DateField, bool, bool]] = []
    for model in model_classes:
        for f in model._meta.concrete_fields:
            if isinstance(f, models.DateField) and (f.auto_now or f.auto_now_add):
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _residency_application_model() -> type[models.Model] | None:
    try:
        return apps.get_model("eras", "ResidencyApplication")
    except LookupError:
        return None


class LoadGenerator:
    def __init__(
        self,
        *,
        seed: int,
        batch_size: int,
        today: datetime.date,
        progress: Callable[[str], None],
        eras_share: float,
        max_programs: int,
    ) -> None:
        self.seed = seed
        self.batch_size = batch_size
        self.today = today
        self.progress = progress
        self.eras_share = eras_share
        self.max_programs = max_programs
        self.summary = LoadSummary()
        self.email_offset = User.objects.filter(email__endswith="@" + EMAIL_DOMAIN).count()
        # Seeded by the run's position too, so a second run with the same seed adds new values.
        self.rng = random.Random(f"{seed}:{self.email_offset}")  # noqa: S311  (test data, not secrets)
        self.token_prefix = f"{self.rng.getrandbits(32):08x}"
        self.used_ids: set[str] = {
            value
            for value in Applicant.objects.filter(usmle_id__isnull=False).values_list("usmle_id", flat=True)
            if value
        }
        self.password_hash = make_password(LOAD_PASSWORD)
        self.payment_counter = 0
        self.fees: dict[str, Decimal] = {exam: Decimal(str(settings.EXAM_FEES[exam])) for exam in EXAM_ORDER}
        self.schools: list[tuple[School, list[tuple[int, int | None]], str]] = []
        self.programs: list[int] = []
        self.eras_model = _residency_application_model()

    # --- reference data ---------------------------------------------------------

    def make_schools(self, count: int) -> None:
        offset = School.objects.filter(imed_id__startswith="LG").count()
        schools: list[School] = []
        ranges: list[list[tuple[int, int | None]]] = []
        languages: list[str] = []
        for n in range(count):
            country, language = COUNTRIES[n % len(COUNTRIES)]
            schools.append(
                School(
                    imed_id=f"LG{offset + n:08d}",
                    name=f"{self.rng.choice(CITIES)} School of Medicine {offset + n}",
                    country=country,
                    city=self.rng.choice(CITIES),
                    verification_email=f"registrar{offset + n}@school.{EMAIL_DOMAIN}",
                )
            )
            founded = self.rng.randrange(1950, 2000)
            if self.rng.random() < 0.15:
                # Delisted for a while: graduates of the gap years are not eligible (R-ED-1).
                gap = self.rng.randrange(2003, 2012)
                ranges.append([(founded, gap - 1), (gap + 3, None)])
            else:
                ranges.append([(founded, None)])
            languages.append(language)
        for school in schools:  # bulk_create skips School.save, which keeps the search column
            school.search_text = school_search_text(school)
        School.objects.bulk_create(schools, batch_size=self.batch_size)
        EligibilityRange.objects.bulk_create(
            [
                EligibilityRange(school=school, start_year=start, end_year=end)
                for school, school_ranges in zip(schools, ranges, strict=True)
                for start, end in school_ranges
            ],
            batch_size=self.batch_size,
        )
        self.schools = list(zip(schools, ranges, languages, strict=True))
        self.summary.add("schools", len(schools))

    def make_organizations(self, *, authorities: int, programs: int) -> None:
        offset = Organization.objects.filter(name__startswith="Load ").count()
        organizations: list[Organization] = []
        created = _at(self.today - datetime.timedelta(days=400), self.rng)
        for n in range(authorities):
            kind = (Organization.Kind.LICENSING_AUTHORITY, Organization.Kind.HOSPITAL)[n % 2]
            organizations.append(
                Organization(name=f"Load {kind} {offset + n}", kind=kind, created_at=created)
            )
        for n in range(programs):
            organizations.append(
                Organization(
                    name=f"Load residency program {offset + n}",
                    kind=Organization.Kind.RESIDENCY_PROGRAM,
                    acgme_program_id=f"LG{self.token_prefix}{offset + n:06d}",
                    created_at=created,
                )
            )
        with _explicit_timestamps(Organization, ApiKey):
            Organization.objects.bulk_create(organizations, batch_size=self.batch_size)
            keys = []
            for organization in organizations:
                # The secret is thrown away: benchmarks issue their own key through the service.
                raw = secrets.token_urlsafe(32)
                keys.append(
                    ApiKey(
                        organization=organization,
                        name="load",
                        prefix=raw[:KEY_PREFIX_LENGTH],
                        key_hash=api_key_hash(raw),
                        created_at=created,
                    )
                )
            ApiKey.objects.bulk_create(keys, batch_size=self.batch_size)
        self.programs = [o.pk for o in organizations if o.kind == Organization.Kind.RESIDENCY_PROGRAM]
        self.summary.add("organizations", len(organizations))
        self.summary.add("api_keys", len(keys))

    # --- applicants ---------------------------------------------------------------

    def _usmle_id(self) -> str:
        while True:
            body = f"{self.rng.randrange(1_000_000, 10_000_000):07d}"
            value = body + luhn_check_digit(body)
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value

    def _days(self, low: int, high: int) -> datetime.timedelta:
        return datetime.timedelta(days=self.rng.randrange(low, high))

    def _story(self, stage: str) -> _Dated:
        """Dates first (relative), then shifted so the last event is in the past."""
        rng = self.rng
        day = datetime.date(2000, 1, 1)  # relative origin, shifted below
        story = _Dated(stage=stage, created=day)
        if stage == REGISTERED:
            story.created = self.today - self._days(0, 700)
            return story
        story.id_issued = day + self._days(0, 30)
        passes = {
            ID_ISSUED: 0,
            EXAMS_APPLIED: 0,
            PASSED_SOME: rng.choice((1, 1, 2)),
            ALL_PASSED: 3,
            CREDENTIALS_RECEIVED: rng.choice((0, 1, 2, 3)),
            CREDENTIALS_SENT: rng.choice((1, 2, 3)),
            CREDENTIALS_VERIFIED: 3,
            CERTIFIED: 3,
            REVOKED: 3,
        }[stage]
        cursor = story.id_issued + self._days(5, 200)
        for exam in EXAM_ORDER[:passes]:
            if rng.random() < 0.15:  # a failed attempt first
                test = cursor + self._days(20, 85)
                story.attempts.append((exam, cursor, test, False))
                cursor = test + self._days(30, 120)
            test = cursor + self._days(20, 85)
            story.attempts.append((exam, cursor, test, True))
            cursor = test + self._days(30, 300)
        pending = stage != ID_ISSUED and passes < 3 and (passes == 0 or rng.random() < 0.6)
        if pending:
            # Applied for the next Step; no result yet.
            story.attempts.append((EXAM_ORDER[passes], cursor, None, False))
            cursor += self._days(1, 20)
        story.credentials = {
            ID_ISSUED: C_NONE,
            EXAMS_APPLIED: rng.choice((C_NONE, C_RECEIVED)),
            PASSED_SOME: rng.choice((C_RECEIVED, C_SENT, C_VERIFIED)),
            ALL_PASSED: rng.choice((C_RECEIVED, C_SENT)),
            CREDENTIALS_RECEIVED: C_RECEIVED,
            CREDENTIALS_SENT: C_SENT,
            CREDENTIALS_VERIFIED: C_VERIFIED,
            CERTIFIED: C_VERIFIED,
            REVOKED: C_VERIFIED,
        }[stage]
        if story.credentials and not story.attempts:
            story.credentials = C_NONE  # R-ED-3: nothing before the first exam application
        # Verified credentials with every Step passed but not certified: something is still owed.
        if stage in (CERTIFIED, REVOKED):
            story.paid_all = True
        elif stage == CREDENTIALS_VERIFIED:
            story.paid_all = False
        else:
            story.paid_all = rng.random() < 0.85
        if stage in (CERTIFIED, REVOKED):
            story.certified_on = cursor + self._days(100, 200)  # after the school answered
            cursor = story.certified_on + self._days(1, 400)
        # Shift the story so its last event lies between yesterday and ~10 years ago.
        span = (cursor - day).days
        latest_end = self.today - datetime.timedelta(days=1)
        earliest_start = max(EARLIEST, self.today - datetime.timedelta(days=span + 3650))
        room = max(0, (latest_end - earliest_start).days - span)
        story.created = earliest_start + datetime.timedelta(days=rng.randrange(room + 1))
        shift = story.created - day
        story.id_issued = story.id_issued + shift
        story.attempts = [
            (exam, applied + shift, test + shift if test else None, passed)
            for exam, applied, test, passed in story.attempts
        ]
        if story.certified_on:
            story.certified_on += shift
        return story

    def make_applicants(self, count: int) -> None:
        done = 0
        while done < count:
            size = min(self.batch_size, count - done)
            with transaction.atomic():
                self._chunk(self.email_offset + done, size)
            done += size
            self.progress(f"{done}/{count} applicants")

    def _chunk(self, first: int, size: int) -> None:
        rng = self.rng
        stories = [
            self._story(stage) for stage in rng.choices(STAGES, weights=list(STAGE_WEIGHTS.values()), k=size)
        ]
        users = Table(User)
        applicants = Table(Applicant)
        for n, story in enumerate(stories):
            joined = _at(story.created, rng)
            users.add(
                email=f"applicant{first + n}@{EMAIL_DOMAIN}",
                password=self.password_hash,
                is_active=True,
                is_staff=False,
                is_superuser=False,
                first_name="",
                last_name="",
                email_confirmed_at=joined,
                date_joined=joined,
            )
        users.reserve_ids()
        plans: list[tuple[Row, _Dated, str]] = []
        for user, story in zip(users.rows, stories, strict=True):
            applicant, language = self._applicant(user, story)
            plans.append((applicants.add(**applicant), story, language))
        applicants.reserve_ids()
        tables = [users, applicants, *self._exams_and_ledger(plans), self._documents(plans)]
        tables.append(self._certificates(plans))
        if self.eras_model is not None:
            tables.append(self._residency_applications(plans, self.eras_model))
        for table in tables:
            self.summary.add(table.model._meta.model_name or table.table, table.flush())
        for story in stories:
            self.summary.stages[story.stage] = self.summary.stages.get(story.stage, 0) + 1

    def _applicant(self, user: Row, story: _Dated) -> tuple[Row, str]:
        rng = self.rng
        created = _at(story.created, rng)
        if story.stage == REGISTERED and rng.random() < 0.5:
            return {"user_id": user["id"], "created_at": created, "updated_at": created}, "en"
        school, ranges, language = rng.choice(self.schools)
        listed_years = [
            year
            for start, end in ranges
            for year in range(start, min(end or self.today.year, self.today.year) + 1)
        ]
        first_event = story.attempts[0][1] if story.attempts else story.created
        graduated_by = min(first_event, self.today) - datetime.timedelta(days=30)
        student = (
            story.credentials == C_NONE and story.stage in (ID_ISSUED, EXAMS_APPLIED) and rng.random() < 0.4
        )
        if student:
            graduation = self.today + self._days(30, 700)
        else:
            years = [y for y in listed_years if y <= graduated_by.year] or [graduated_by.year]
            year = rng.choice(years[-15:])
            graduation = min(datetime.date(year, rng.choice((5, 6, 7)), 30), graduated_by)
            if story.stage in (ID_ISSUED, PASSED_SOME) and rng.random() < 0.02:
                graduation = datetime.date(1949, 6, 30)  # before any listing: fails R-ED-1
        transfer_id = None
        academic_years = rng.choice((4, 5, 6))
        transfer_years = 0
        earned: tuple[int | None, int | None] = (None, None)
        if rng.random() < 0.05:
            credit = rng.choice((1, 2))
            transfer_id, earned = self._transfer_school(years=credit, graduation=graduation)
            if transfer_id is not None:
                academic_years, transfer_years = 3, credit
        last_name = rng.choice(LAST_NAMES)
        applicant = {
            "user_id": user["id"],
            "usmle_id": self._usmle_id() if story.id_issued else None,
            "usmle_id_issued_at": _at(story.id_issued, rng) if story.id_issued else None,
            "given_names": rng.choice(GIVEN_NAMES),
            "last_name": last_name,
            "last_name_folded": fold_name(last_name),
            "date_of_birth": datetime.date(
                graduation.year - rng.randrange(23, 31), rng.randrange(1, 13), rng.randrange(1, 29)
            ),
            "country": school.country if rng.random() < 0.8 else rng.choice(COUNTRIES)[0],
            "school_id": school.pk,
            "graduation_date": graduation,
            "academic_years": academic_years,
            "transfer_school_id": transfer_id,
            "transfer_years": transfer_years,
            "transfer_credit_first_year": earned[0],
            "transfer_credit_last_year": earned[1],
            "created_at": created,
            "updated_at": created,
        }
        # As Applicant.save() keeps it: the staff people search reads this column.
        applicant["search_key"] = search_key(given_names=applicant["given_names"], last_name=last_name)
        return applicant, language

    def _transfer_school(
        self, *, years: int, graduation: datetime.date
    ) -> tuple[int | None, tuple[int | None, int | None]]:
        """A transfer school listed in IMED for every year the credit was earned (R-ED-2):
        the ``years`` before the three at the degree school. None when no school is listed
        then (a graduation before any listing), so the applicant has no transfer credit."""
        last = graduation.year - 3
        first = last - years + 1
        listed = [
            school.pk
            for school, ranges, _ in self.schools
            if all(
                any(start <= year and (end is None or year <= end) for start, end in ranges)
                for year in range(first, last + 1)
            )
        ]
        if not listed:
            return None, (None, None)
        return self.rng.choice(listed), (first, last)

    def _exams_and_ledger(self, plans: Sequence[tuple[Row, _Dated, str]]) -> list[Table]:
        rng = self.rng
        fees = Table(LedgerEntry)
        applications = Table(ExamApplication)
        payments = Table(LedgerEntry)
        results = Table(ExamResult)
        for applicant, story, _ in plans:
            for index, (exam, applied, test, passed) in enumerate(story.attempts):
                fee = fees.add(
                    applicant_id=applicant["id"],
                    kind=LedgerEntry.Kind.CHARGE.value,
                    amount=self.fees[exam],
                    description=f"Exam fee: {exam}",
                    reference=None,
                    created_at=_at(applied, rng),
                )
                applications.add(
                    applicant_id=applicant["id"],
                    exam=exam,
                    eligibility_start=applied,
                    eligibility_end=applied + datetime.timedelta(days=91),
                    fee=fee,
                    created_at=fee["created_at"],
                )
                if story.paid_all or index < len(story.attempts) - 1:
                    self.payment_counter += 1
                    payments.add(
                        applicant_id=applicant["id"],
                        kind=LedgerEntry.Kind.PAYMENT.value,
                        amount=-self.fees[exam],
                        description="Card payment",
                        reference=f"loadgen:{self.token_prefix}:{self.email_offset}:{self.payment_counter}",
                        created_at=_at(min(applied + self._days(0, 5), self.today), rng),
                    )
                if test is not None:
                    results.add(
                        applicant_id=applicant["id"],
                        exam=exam,
                        test_date=test,
                        outcome=(ExamResult.Outcome.PASS if passed else ExamResult.Outcome.FAIL).value,
                        score=rng.randrange(215, 270) if passed else rng.randrange(170, 205),
                        source=ExamResult.Source.FEED.value,
                        recorded_at=_at(min(test + datetime.timedelta(days=21), self.today), rng),
                    )
        fees.reserve_ids()
        return [fees, applications, payments, results]

    def _document(
        self, table: Table, applicant: Row, kind: str, status: str, received: datetime.date, **extra: Any
    ) -> None:
        reviewed = extra.pop("reviewed", None)
        table.add(
            applicant_id=applicant["id"],
            kind=kind,
            source=extra.pop("source", Document.Source.APPLICANT.value),
            file=SAMPLE_FILE_NAME,
            content_type="application/pdf",
            size=len(SAMPLE_FILE_CONTENT),
            sha256=SAMPLE_SHA256,
            original_name=f"{kind}.pdf",
            language=extra.pop("language", "en"),
            status=status,
            created_at=_at(received, self.rng),
            reviewed_at=_at(reviewed, self.rng) if reviewed else None,
            **extra,
        )

    def _documents(self, plans: Sequence[tuple[Row, _Dated, str]]) -> Table:
        rng = self.rng
        documents = Table(Document)
        status_by_level = {
            C_RECEIVED: Document.Status.RECEIVED.value,
            C_SENT: Document.Status.SENT_FOR_VERIFICATION.value,
            C_VERIFIED: Document.Status.VERIFIED.value,
        }
        verified, received_status = Document.Status.VERIFIED.value, Document.Status.RECEIVED.value
        for applicant, story, language in plans:
            if story.credentials == C_NONE or not story.attempts:
                continue
            first_application = story.attempts[0][1]
            # R-ED-4/5: with the first application, or once the student has graduated.
            received = min(max(first_application, applicant["graduation_date"]), self.today)
            if rng.random() < 0.05:
                # An earlier upload, rejected and replaced by the current one.
                self._document(
                    documents,
                    applicant,
                    Document.Kind.DIPLOMA.value,
                    Document.Status.REPLACED.value,
                    received,
                    language=language,
                    status_reason="Unreadable scan.",
                )
            sent_on = min(received + self._days(2, 20), self.today)
            decided_on = min(sent_on + self._days(20, 90), self.today)
            if story.certified_on:
                decided_on = min(decided_on, story.certified_on - datetime.timedelta(days=1))
            diploma_reviewed = {C_RECEIVED: None, C_SENT: sent_on, C_VERIFIED: decided_on}[story.credentials]
            self._document(
                documents,
                applicant,
                Document.Kind.DIPLOMA.value,
                status_by_level[story.credentials],
                received,
                language=language,
                issue_date=applicant["graduation_date"],
                reviewed=diploma_reviewed,
            )
            later = story.credentials >= C_SENT
            if language != "en":
                self._document(
                    documents,
                    applicant,
                    Document.Kind.TRANSLATION.value,
                    verified if later else received_status,
                    received,
                    reviewed=sent_on if later else None,
                )
            if story.credentials == C_VERIFIED:
                self._document(
                    documents,
                    applicant,
                    Document.Kind.FINAL_TRANSCRIPT.value,
                    received_status,
                    decided_on,
                    source=Document.Source.SCHOOL.value,
                )
            if applicant["transfer_school_id"] is not None:
                self._document(
                    documents,
                    applicant,
                    Document.Kind.TRANSFER_TRANSCRIPT.value,
                    verified if later else received_status,
                    received,
                    reviewed=sent_on if later else None,
                )
        return documents

    def _certificates(self, plans: Sequence[tuple[Row, _Dated, str]]) -> Table:
        rng = self.rng
        certificates = Table(Certificate)
        certified = [(a, s) for a, s, _ in plans if s.certified_on is not None]
        if not certified:
            return certificates
        # Reserve a block of numbers: the issuing service continues after it.
        CertificateCounter.objects.get_or_create(name="standard")
        counter = CertificateCounter.objects.select_for_update().get(name="standard")
        first_value = counter.last_value + 1
        counter.last_value += len(certified)
        counter.save(update_fields=["last_value"])
        for n, (applicant, story) in enumerate(certified):
            met_on = max(test for _, _, test, passed in story.attempts if passed and test)
            issued_on = story.certified_on
            assert issued_on is not None and issued_on >= met_on
            revoked = story.stage == REVOKED
            certificates.add(
                applicant_id=applicant["id"],
                number=certificate_number(first_value + n),
                verification_code=secrets.token_urlsafe(24),
                exam_requirements_met_on=met_on,
                issued_on=issued_on,
                status=(Certificate.Status.REVOKED if revoked else Certificate.Status.VALID).value,
                revoked_on=min(issued_on + self._days(30, 300), self.today) if revoked else None,
                revocation_reason="Irregular behaviour found after issue." if revoked else "",
                pdf="",
                email_sent_at=_at(issued_on, rng),
                created_at=_at(issued_on, rng),
            )
        return certificates

    def _residency_applications(
        self, plans: Sequence[tuple[Row, _Dated, str]], model: type[models.Model]
    ) -> Table:
        rng = self.rng
        rows = Table(model)
        if not self.programs:
            return rows
        season = str(self.today.year + ERAS_SEASON_OFFSET)
        for applicant, story, _ in plans:
            if story.stage not in (PASSED_SOME, ALL_PASSED, CREDENTIALS_VERIFIED, CERTIFIED):
                continue
            if rng.random() >= self.eras_share:
                continue
            count = min(len(self.programs), rng.randrange(1, self.max_programs + 1))
            for program_id in rng.sample(self.programs, count):
                rows.add(
                    applicant_id=applicant["id"],
                    program_id=program_id,
                    season=season,
                    received_at=_at(self.today - self._days(1, 60), rng),
                )
        return rows


def _sample_file() -> None:
    """The one file every generated document row points at."""
    if not default_storage.exists(SAMPLE_FILE_NAME):
        default_storage.save(SAMPLE_FILE_NAME, ContentFile(SAMPLE_FILE_CONTENT))


def generate_load_data(
    *,
    applicants: int,
    seed: int = 1,
    batch_size: int = 2000,
    schools: int | None = None,
    authorities: int = 40,
    programs: int = 300,
    eras_share: float = 0.3,
    max_programs: int = 30,
    today: datetime.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> LoadSummary:
    """Write ``applicants`` applicants (every stage, see ``STAGE_WEIGHTS``) with their
    exams, ledgers, documents, certificates and ERAS applications, plus schools and
    organizations with API keys. Batches are separate transactions; on PostgreSQL
    the tables are VACUUMed and ANALYZEd at the end so plans reflect the new volumes."""
    started = time.perf_counter()
    generator = LoadGenerator(
        seed=seed,
        batch_size=batch_size,
        today=today or timezone.localdate(),
        progress=progress or (lambda message: None),
        eras_share=eras_share,
        max_programs=max_programs,
    )
    _sample_file()
    with transaction.atomic():
        generator.make_schools(schools if schools is not None else max(len(COUNTRIES), applicants // 70))
        generator.make_organizations(authorities=authorities, programs=programs)
    generator.make_applicants(applicants)
    if connection.vendor == "postgresql" and connection.get_autocommit():
        # VACUUM too, as autovacuum would soon after a bulk load: it fills the
        # visibility map, so counts over an index (the review queue) stay index-only.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    generator.summary.seconds = time.perf_counter() - started
    return generator.summary
