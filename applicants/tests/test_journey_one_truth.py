"""Issue 12: one truth for the applicant. For every state the rules can produce, the
dashboard, the exams page, the documents page and the e-mail name the same next
action with the same link (or, when there is nothing to do, the same sentence)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from applicants.models import Applicant
from applicants.notifications.services import applicant_notify
from applicants.selectors import applicant_journey
from applicants.tests.factories import LedgerEntryFactory
from applicants.tests.portal_helpers import logged_in, make_graduate, make_new_applicant, make_student
from certificates.selectors import applicant_assessment
from certificates.tests.factories import CertificateFactory, applicant_with
from credentials.models import Document
from credentials.models_verification import SchoolVerificationRequest
from credentials.services.documents import document_submission_refusal
from credentials.tests.factories import DocumentFactory
from exams.models import Exam, ExamResult
from exams.tests.factories import ExamApplicationFactory, ExamResultFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _passed(applicant: Applicant, *exams: str) -> None:
    for exam in exams:
        ExamResultFactory(applicant=applicant, exam=exam, test_date=datetime.date(2025, 6, 1))


def _all_passed(applicant: Applicant) -> None:
    _passed(applicant, Exam.STEP1, Exam.STEP2CK, Exam.STEP2CS)


def s_unconfirmed() -> Applicant:
    return make_new_applicant(confirmed=False)


def s_no_id() -> Applicant:
    return make_new_applicant()


def s_graduate_without_diploma() -> Applicant:
    return make_graduate()


def s_french_diploma_without_translation() -> Applicant:
    applicant = make_graduate()
    DocumentFactory(applicant=applicant, language="fr")
    return applicant


def s_graduate_ready_to_apply() -> Applicant:
    applicant = make_graduate()
    DocumentFactory(applicant=applicant)
    return applicant


def s_applied() -> Applicant:
    applicant = s_graduate_ready_to_apply()
    ExamApplicationFactory(applicant=applicant, exam=Exam.STEP1)
    return applicant


def s_student_not_applied() -> Applicant:
    return make_student()


def s_diploma_rejected() -> Applicant:
    applicant = make_graduate()
    DocumentFactory(
        applicant=applicant, status=Document.Status.REJECTED, status_reason="The back page is missing."
    )
    return applicant


def s_translation_rejected() -> Applicant:
    applicant = make_graduate()
    DocumentFactory(applicant=applicant, language="fr")
    DocumentFactory(
        applicant=applicant,
        kind=Document.Kind.TRANSLATION,
        status=Document.Status.REJECTED,
        status_reason="Made by the applicant.",
    )
    return applicant


def s_unable_to_verify() -> Applicant:
    applicant = make_graduate()
    ExamApplicationFactory(applicant=applicant, exam=Exam.STEP1)
    _all_passed(applicant)
    DocumentFactory(
        applicant=applicant,
        status=Document.Status.UNABLE_TO_VERIFY,
        status_reason="No record of this graduate.",
    )
    return applicant


def s_zero_credit_years() -> Applicant:
    applicant = make_graduate(academic_years=0)
    DocumentFactory(applicant=applicant)
    ExamApplicationFactory(applicant=applicant, exam=Exam.STEP1)
    _all_passed(applicant)
    return applicant


def s_diploma_awaiting_review() -> Applicant:
    applicant = make_graduate()
    ExamApplicationFactory(applicant=applicant, exam=Exam.STEP1, eligibility_start=datetime.date(2025, 5, 1))
    LedgerEntryFactory(applicant=applicant, kind="payment", amount=Decimal("-1000.00"))
    _all_passed(applicant)
    DocumentFactory(applicant=applicant)
    return applicant


def s_diploma_at_the_school() -> Applicant:
    applicant = s_diploma_awaiting_review()
    diploma = Document.objects.get(applicant=applicant)
    diploma.status = Document.Status.SENT_FOR_VERIFICATION
    diploma.save()
    SchoolVerificationRequest.objects.create(
        applicant=applicant,
        diploma=diploma,
        school=applicant.school,
        contact_email="registrar@school.test",
        link_nonce="n" * 32,
        token_hash="h" * 64,
        link_expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    return applicant


def s_step1_failed() -> Applicant:
    applicant = s_graduate_ready_to_apply()
    application = ExamApplicationFactory(
        applicant=applicant, exam=Exam.STEP1, eligibility_start=datetime.date(2025, 5, 1)
    )
    ExamResultFactory(
        applicant=applicant,
        exam=Exam.STEP1,
        test_date=datetime.date(2025, 6, 1),
        outcome=ExamResult.Outcome.FAIL,
    )
    assert application.pk
    return applicant


def s_attempts_used_up() -> Applicant:
    applicant = s_graduate_ready_to_apply()
    for month in (1, 3, 5, 7):
        ExamResultFactory(
            applicant=applicant,
            exam=Exam.STEP1,
            test_date=datetime.date(2025, month, 1),
            outcome=ExamResult.Outcome.FAIL,
        )
    return applicant


def s_owes() -> Applicant:
    return applicant_with(charges=("1000.00",))


def s_paid_and_eligible() -> Applicant:
    applicant = applicant_with(charges=("1000.00",))
    LedgerEntryFactory(applicant=applicant, kind="payment", amount=Decimal("-1000.00"))
    return applicant


def s_certified() -> Applicant:
    applicant = applicant_with()
    CertificateFactory(applicant=applicant)
    return applicant


def s_revoked() -> Applicant:
    applicant = applicant_with()
    CertificateFactory(
        applicant=applicant,
        status="revoked",
        revoked_on=TODAY(),
        revocation_reason="Irregular behaviour finding 2026-17.",
    )
    return applicant


@dataclass(frozen=True)
class Case:
    build: Callable[[], Applicant]
    state: str
    action: str | None  # the next action's key, None when there is nothing to do
    url: Callable[[Applicant], str] | None = None


def _permit(applicant: Applicant) -> str:
    return reverse("permit", args=[applicant.exam_applications.get().pk])


CASES = {
    "unconfirmed": Case(s_unconfirmed, "no_id", "confirm_email", lambda a: reverse("account")),
    "no ID": Case(s_no_id, "no_id", "identity", lambda a: reverse("identity")),
    "graduate, no diploma": Case(
        s_graduate_without_diploma, "not_applied", "upload:diploma", lambda a: reverse("documents")
    ),
    "French diploma, no translation": Case(
        s_french_diploma_without_translation,
        "not_applied",
        "upload:translation",
        lambda a: reverse("documents"),
    ),
    "graduate ready to apply": Case(
        s_graduate_ready_to_apply, "not_applied", "apply:STEP1", lambda a: reverse("exams")
    ),
    "applied": Case(s_applied, "in_progress", "schedule:STEP1", _permit),
    "student, not applied": Case(
        s_student_not_applied, "not_applied", "apply:STEP1", lambda a: reverse("exams")
    ),
    "diploma rejected": Case(
        s_diploma_rejected, "not_applied", "replace:diploma", lambda a: reverse("documents")
    ),
    "translation rejected": Case(
        s_translation_rejected, "not_applied", "replace:translation", lambda a: reverse("documents")
    ),
    "unable to verify": Case(s_unable_to_verify, "in_progress", "contact:school", None),
    "0 credit years": Case(s_zero_credit_years, "in_progress", "fix:R-ED-2", lambda a: reverse("identity")),
    "diploma awaiting review": Case(s_diploma_awaiting_review, "waiting", None),
    "diploma at the school": Case(s_diploma_at_the_school, "waiting", None),
    "Step 1 failed": Case(s_step1_failed, "in_progress", "apply:STEP1", lambda a: reverse("exams")),
    "attempts used up": Case(s_attempts_used_up, "in_progress", "attempts:STEP1", None),
    "owes": Case(s_owes, "owes", "pay", lambda a: reverse("ledger")),
    "paid, eligible": Case(s_paid_and_eligible, "eligible", None),
    "certified": Case(s_certified, "certified", "certificate", lambda a: reverse("certificate_detail")),
    "revoked": Case(s_revoked, "revoked", "revoked", None),
}

NEXT_LINK = re.compile(r'<a href="([^"]+)" data-testid="journey-next-link">')


def _email_body(applicant: Applicant, name: str) -> str:
    notification = applicant_notify(
        applicant=applicant,
        key=f"journey-test:{name}",
        template="identity_change_decided",
        context={"approved": True, "fields": ["given names"]},
    )
    return notification.body


@pytest.mark.parametrize("name", list(CASES))
def test_every_page_and_the_email_name_the_same_next_action(client: Client, name: str) -> None:
    case = CASES[name]
    applicant = case.build()
    journey = applicant_journey(applicant)
    assert journey.state == case.state, journey
    action = journey.next_action
    assert (action.key if action else None) == case.action, journey.actions
    logged_in(client, applicant)
    pages = {
        page: client.get(reverse(page)).content.decode()
        for page in ("dashboard", "exams", "documents", "ledger")
    }
    body = _email_body(applicant, name)
    if action is None:
        for page, html in pages.items():
            assert escape(journey.headline) in html, page
            assert NEXT_LINK.search(html) is None, page
        assert journey.headline in body
        return
    expected_url = case.url(applicant) if case.url else action.url
    assert action.url == expected_url
    if case.url is None:
        assert action.url.startswith(f"mailto:{settings.SUPPORT_EMAIL}")
    for page, html in pages.items():
        assert escape(action.text) in html, page
        assert NEXT_LINK.search(html) is not None, page
        assert NEXT_LINK.search(html).group(1) == escape(action.url), page  # type: ignore[union-attr]
    absolute = action.url if action.url.startswith("mailto:") else settings.SITE_URL + action.url
    assert f"Your next step: {action.text}\n{absolute}" in body


@pytest.mark.parametrize("name", list(CASES))
def test_the_journey_assesses_like_the_rules_engine(name: str) -> None:
    """The journey's own loading gives the same checklist the certification sweep uses."""
    applicant = CASES[name].build()
    assert applicant_journey(applicant).assessment == applicant_assessment(applicant=applicant)


@pytest.mark.parametrize("name", list(CASES))
def test_no_page_offers_what_the_intake_gates_refuse(name: str) -> None:
    """An upload form is shown only where the service would accept the upload."""
    applicant = CASES[name].build()
    journey = applicant_journey(applicant)
    for row in journey.documents:
        refusal = document_submission_refusal(applicant=applicant, kind=row.kind, today=TODAY())
        if row.may_upload:
            assert refusal is None, (row, refusal)


def test_a_revoked_holder_reads_revoked_everywhere(client: Client) -> None:
    applicant = s_revoked()
    logged_in(client, applicant)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "REVOKED on" in dashboard and "Irregular behaviour finding 2026-17." in dashboard
    assert "You are certified" not in dashboard and "Certified." not in dashboard
    page = client.get(reverse("certificate_detail")).content.decode()
    assert "Standard ECFMG Certificate: REVOKED" in page and "Irregular behaviour finding 2026-17." in page


def test_every_unmet_requirement_the_applicant_can_act_on_is_listed() -> None:
    """Item 3: a rejected translation and 0 credit years both appear, with what to do."""
    applicant = make_graduate(academic_years=0)
    DocumentFactory(applicant=applicant, language="fr")
    DocumentFactory(
        applicant=applicant,
        kind=Document.Kind.TRANSLATION,
        status=Document.Status.REJECTED,
        status_reason="Unsigned.",
    )
    keys = [a.key for a in applicant_journey(applicant).actions]
    assert keys[:2] == ["replace:translation", "fix:R-ED-2"]
    texts = " ".join(a.text for a in applicant_journey(applicant).actions)
    assert "Unsigned" in texts and "0 academic years" in texts


def test_what_waits_on_the_school_says_who_and_since_when() -> None:
    applicant = s_diploma_at_the_school()
    waiting = applicant_journey(applicant).waiting
    assert [w.who for w in waiting] == [applicant.school.name]
    assert waiting[0].since == TODAY()


def test_the_dashboard_stays_within_five_queries(client: Client, django_assert_max_num_queries) -> None:
    applicant = s_diploma_at_the_school()
    logged_in(client, applicant)
    with django_assert_max_num_queries(5):
        assert client.get(reverse("dashboard")).status_code == 200


def test_a_revocation_emails_the_holder_once_with_the_reason_and_what_to_do() -> None:
    from django.contrib.auth.models import Permission

    from applicants.notifications.models import ApplicantNotification
    from applicants.tests.factories import UserFactory
    from certificates.services import certificate_revoke
    from ecfmg_portal.errors import Conflict

    applicant = applicant_with()
    certificate = CertificateFactory(applicant=applicant)
    officer = UserFactory(is_staff=True)
    officer.user_permissions.add(Permission.objects.get(codename="revoke_certificate"))
    officer = type(officer).objects.get(pk=officer.pk)
    certificate_revoke(certificate=certificate, reason="Irregular behaviour finding 2026-17.", actor=officer)
    with pytest.raises(Conflict):
        certificate_revoke(certificate=certificate, reason="Again.", actor=officer)
    notification = ApplicantNotification.objects.get(
        applicant=applicant, key__startswith="certificate_revoked"
    )
    assert "Irregular behaviour finding 2026-17." in notification.body
    assert "What you can do:" in notification.body and settings.SUPPORT_EMAIL in notification.body
