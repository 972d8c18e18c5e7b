"""Demo data for ``make run``: schools, staff with MFA, applicants at every stage,
organizations with documented API keys. Every write goes through the services,
so the demo shows what the real flows produce. Running it again adds nothing."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from applicants.models import Applicant, LedgerEntry, User
from applicants.services.accounts import user_sign_up
from applicants.services.ledger import ledger_balance, ledger_post
from applicants.services.profile import applicant_submit_identity
from applicants.services.staff import (
    CERTIFICATE_OFFICER,
    EXAMS_CLERK,
    FINANCE,
    REVIEWER,
    staff_groups_sync,
)
from credentials.models import Document, School
from credentials.services.directory import schools_import_csv
from credentials.services.documents import document_submit
from credentials.services.school_verification import (
    school_verification_accept,
    school_verification_answer,
    school_verification_request,
)
from ecfmg_portal.security.mfa import staff_device_for_demo
from exams.models import ExamResult
from exams.services import exam_application_create, exam_result_record
from verification.models import ApiKey, Organization
from verification.services.keys import api_key_hash, api_key_issue, organization_get_or_create

STAFF_PASSWORD = "staff-demo-2026!"  # noqa: S105 - demo only; refused in production
APPLICANT_PASSWORD = "applicant-demo-2026!"  # noqa: S105 - demo only
DEMO_ORG_KEY = "demo-licensing-board-key-0123456789abcdef"
DEMO_FEED_KEY = "demo-results-feed-key-0123456789abcdef"
DEMO_PROGRAM_KEY = "demo-residency-program-key-0123456789ab"
SCHOOLS_CSV = Path(__file__).with_name("schools.csv")
RESULT_DELAY_DAYS = 14  # the exam body reports a result about two weeks after the sitting
DEMO_CODES = 3  # fresh one-time codes per staff login on every run


@dataclass
class DemoSummary:
    staff: list[tuple[str, str]] = field(default_factory=list)
    applicants: list[tuple[str, str]] = field(default_factory=list)
    keys: list[tuple[str, str]] = field(default_factory=list)
    otp_uri: str = ""
    otp_tokens: list[str] = field(default_factory=list)
    # For every demo staff login: (e-mail, role, otpauth URI, one-time backup codes).
    staff_logins: list[tuple[str, str, str, list[str]]] = field(default_factory=list)
    certified_usmle_id: str = ""


def _pdf() -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=842, height=595)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile("scan.pdf", buffer.getvalue(), content_type="application/pdf")


def _staff(summary: DemoSummary) -> User:
    admin, created = User.objects.get_or_create(
        email="admin@ecfmg.test", defaults={"is_staff": True, "is_superuser": True}
    )
    if created:
        admin.set_password(STAFF_PASSWORD)
        admin.email_confirmed_at = timezone.now()
        admin.save()
    summary.staff.append(("admin@ecfmg.test", "superuser"))
    staff_groups_sync()
    for email, group in [
        ("reviewer@ecfmg.test", REVIEWER),
        ("finance@ecfmg.test", FINANCE),
        ("exams@ecfmg.test", EXAMS_CLERK),
        ("certificates@ecfmg.test", CERTIFICATE_OFFICER),
    ]:
        user, created = User.objects.get_or_create(email=email, defaults={"is_staff": True})
        if created:
            user.set_password(STAFF_PASSWORD)
            user.email_confirmed_at = timezone.now()
            user.save()
            user.groups.add(Group.objects.get(name=group))
        uri, first = staff_device_for_demo(user)
        codes = [first, *(staff_device_for_demo(user)[1] for _ in range(DEMO_CODES - 1))]
        summary.staff.append((email, group))
        summary.staff_logins.append((email, group, uri, codes))
    summary.otp_uri, first = staff_device_for_demo(admin)
    summary.otp_tokens = [first, *(staff_device_for_demo(admin)[1] for _ in range(DEMO_CODES - 1))]
    summary.staff_logins.insert(0, ("admin@ecfmg.test", "superuser", summary.otp_uri, summary.otp_tokens))
    return admin


def _applicant(email: str, identity: dict[str, object] | None) -> tuple[Applicant, bool]:
    existing = User.objects.filter(email=email).first()
    if existing is not None:
        return existing.applicant, False
    user, applicant = user_sign_up(email=email, password=APPLICANT_PASSWORD)
    user.email_confirmed_at = timezone.now()
    user.save(update_fields=["email_confirmed_at"])
    if identity is not None:
        applicant = applicant_submit_identity(applicant=applicant, values=identity, actor=user)
    return applicant, True


def _identity(
    given: str, last: str, school: str, graduated: datetime.date, **extra: object
) -> dict[str, object]:
    values: dict[str, object] = {
        "given_names": given,
        "last_name": last,
        "date_of_birth": datetime.date(1994, 3, 14),
        "country": School.objects.get(imed_id=school).country,
        "school": School.objects.get(imed_id=school),
        "graduation_date": graduated,
        "academic_years": 6,
        "transfer_school": None,
        "transfer_years": 0,
    }
    values.update(extra)
    return values


@contextmanager
def _days_ago(days: int) -> Iterator[None]:
    """Run the services as on that day (10:00 UTC, the clock ticking), so every date they
    record (ID issued, uploads, applications, results, ledger, audit) tells one story."""
    import time_machine  # a development dependency, like the demo itself

    moment = datetime.datetime.combine(
        timezone.localdate() - datetime.timedelta(days=days), datetime.time(10), datetime.UTC
    )
    with time_machine.travel(moment, tick=True):
        yield


def _sit(applicant: Applicant, exam: str, *, applied: int, tested: int, score: int | None = None) -> None:
    """Apply ``applied`` days ago, sit ``tested`` days ago (inside the eligibility period),
    and record the pass two weeks later, as the results feed would (R-EX-6, R-EX-8)."""
    assert tested >= RESULT_DELAY_DAYS, "a result arrives after its sitting, never in the future"
    with _days_ago(applied):
        exam_application_create(applicant=applicant, exam=exam, actor=applicant.user)
    with _days_ago(tested - RESULT_DELAY_DAYS):
        test_date = timezone.localdate() - datetime.timedelta(days=RESULT_DELAY_DAYS)
        exam_result_record(
            applicant=applicant,
            exam=exam,
            test_date=test_date,
            outcome="pass",
            score=score,
            source=ExamResult.Source.FEED,
        )


def _pay_all(applicant: Applicant, reference: str) -> None:
    owed = ledger_balance(applicant=applicant)
    if owed > 0:
        ledger_post(
            applicant=applicant,
            kind=LedgerEntry.Kind.PAYMENT,
            amount=owed,
            description="Card payment",
            reference=reference,
        )


def _verify_with_school(applicant: Applicant, staff: User, *, sent: int, answered: int) -> None:
    diploma = Document.objects.get(
        applicant=applicant, kind=Document.Kind.DIPLOMA, status=Document.Status.RECEIVED
    )
    with _days_ago(sent):
        request = school_verification_request(document=diploma, actor=staff)
    with _days_ago(answered):
        answered_request = school_verification_answer(
            verification=request,
            answer="authentic",
            official_name="Dr. Meera Kulkarni",
            official_title="Registrar",
            comment="Degree conferred as stated.",
            transcript=_pdf(),
        )
        school_verification_accept(verification=answered_request, actor=staff)


def _applicants(summary: DemoSummary, staff: User) -> None:
    """Five applicants whose histories are each possible under the rules, replayed day by
    day through the same services a real applicant goes through: the ID before the first
    application, credentials with (or, for a student, after) it, each result inside its
    application's eligibility period, no open period for a Step already passed."""
    today = timezone.localdate()
    two_years_ago = today.replace(year=today.year - 2)

    _applicant("new@applicant.test", None)
    summary.applicants.append(("new@applicant.test", "just signed up: no USMLE/ECFMG ID yet"))

    with _days_ago(40):
        student, created = _applicant(
            "student@applicant.test",
            _identity("Chinedu", "Okonkwo", "F0003003", today + datetime.timedelta(days=150)),
        )
    if created:
        with _days_ago(10):
            exam_application_create(applicant=student, exam="STEP1", actor=student.user)
    summary.applicants.append(
        ("student@applicant.test", "student: Step 1 applied (permit issued), diploma after graduation")
    )

    with _days_ago(200):
        graduate, created = _applicant(
            "graduate@applicant.test", _identity("Ana María", "Núñez", "F0000123", two_years_ago)
        )
    if created:
        with _days_ago(190):
            document_submit(
                applicant=graduate, kind="diploma", upload=_pdf(), language="es", actor=graduate.user
            )
            document_submit(
                applicant=graduate, kind="translation", upload=_pdf(), language="en", actor=graduate.user
            )
        _sit(graduate, "STEP1", applied=185, tested=130)
    summary.applicants.append(
        ("graduate@applicant.test", "graduate: Step 1 passed, diploma and translation received, fee owed")
    )

    with _days_ago(200):
        verifying, created = _applicant(
            "verifying@applicant.test", _identity("Rahul", "Deshpande", "F0000580", two_years_ago)
        )
    if created:
        with _days_ago(195):
            document_submit(
                applicant=verifying, kind="diploma", upload=_pdf(), language="en", actor=verifying.user
            )
        _sit(verifying, "STEP1", applied=190, tested=150)
        _sit(verifying, "STEP2CK", applied=139, tested=100, score=241)
        _sit(verifying, "STEP2CS", applied=89, tested=60)
        with _days_ago(45):
            _pay_all(verifying, "demo-verifying-payment")
        diploma = Document.objects.get(applicant=verifying, kind=Document.Kind.DIPLOMA)
        with _days_ago(20):
            school_verification_request(document=diploma, actor=staff)
    summary.applicants.append(("verifying@applicant.test", "all exams passed, diploma sent to the school"))

    with _days_ago(400):
        certified, created = _applicant(
            "certified@applicant.test", _identity("Mariam", "El-Sayed", "F0000777", two_years_ago)
        )
    if created:
        with _days_ago(395):
            document_submit(
                applicant=certified, kind="diploma", upload=_pdf(), language="en", actor=certified.user
            )
        _sit(certified, "STEP1", applied=390, tested=350)
        _verify_with_school(certified, staff, sent=385, answered=360)
        _sit(certified, "STEP2CK", applied=335, tested=300, score=236)
        _sit(certified, "STEP2CS", applied=285, tested=250)
        # Paying last completes the requirements: the certificate follows by itself.
        with _days_ago(235):
            _pay_all(certified, "demo-certified-payment")
    summary.applicants.append(("certified@applicant.test", "certified: certificate issued"))
    summary.certified_usmle_id = certified.usmle_id or ""


def _organizations(summary: DemoSummary) -> None:
    for name, kind, raw_key in [
        ("Demo State Medical Board", Organization.Kind.LICENSING_AUTHORITY, DEMO_ORG_KEY),
        ("Demo USMLE Results Feed", Organization.Kind.RESULTS_FEED, DEMO_FEED_KEY),
    ]:
        organization, _ = organization_get_or_create(name=name, kind=kind)
        if not ApiKey.objects.filter(key_hash=api_key_hash(raw_key)).exists():
            api_key_issue(organization=organization, name="demo", raw_key=raw_key)
        summary.keys.append((name, raw_key))


def seed_demo() -> DemoSummary:
    if getattr(settings, "PRODUCTION", False):
        raise RuntimeError("Demo data is never loaded with production settings.")
    summary = DemoSummary()
    with open(SCHOOLS_CSV, encoding="utf-8") as stream:
        schools_import_csv(stream=stream)
    staff = _staff(summary)
    _applicants(summary, staff)
    _organizations(summary)
    return summary


__all__ = ["APPLICANT_PASSWORD", "STAFF_PASSWORD", "seed_demo"]
