from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applicants.models import Applicant
from applicants.services.ledger import ledger_post
from applicants.tests.portal_helpers import logged_in, make_graduate, make_new_applicant
from certificates.models import Certificate
from credentials.models import Document, DocumentEvent
from credentials.services.documents import document_decide
from credentials.tests.factories import DocumentFactory
from exams.models import Exam
from exams.services import exam_application_create
from exams.tests.factories import ExamResultFactory, applied_for

pytestmark = pytest.mark.django_db


def _complete(applicant: Applicant) -> Certificate:
    now = timezone.now()
    DocumentFactory(applicant=applicant, kind="diploma", status=Document.Status.VERIFIED, reviewed_at=now)
    DocumentFactory(applicant=applicant, kind="final_transcript", source=Document.Source.SCHOOL)
    for exam in Exam:
        ExamResultFactory(applicant=applicant, exam=exam, test_date=datetime.date(2025, 6, 1))
    return Certificate.objects.create(
        applicant=applicant,
        number="EC-0000123",
        verification_code="v" * 32,
        exam_requirements_met_on=datetime.date(2025, 6, 1),
        issued_on=timezone.localdate(),
    )


def test_a_new_account_is_told_to_confirm_then_fill_the_identity(client: Client) -> None:
    applicant = make_new_applicant(confirmed=False)
    response = logged_in(client, applicant).get(reverse("dashboard"))
    steps = [step.text for step in response.context["journey"].actions]
    assert steps[0].startswith("Confirm your e-mail address first")
    assert "identity details" in steps[1]
    assert "No USMLE/ECFMG ID yet" in response.content.decode()


def test_a_graduate_with_an_id_is_told_to_apply_and_sees_the_balance(client: Client) -> None:
    applicant = make_graduate()
    ledger_post(applicant=applicant, kind="charge", amount=Decimal("1000.00"), description="Fee")
    response = logged_in(client, applicant).get(reverse("dashboard"))
    body = response.content.decode()
    # R-ED-4: a graduate's first application comes with the diploma, so that is first.
    texts = [action.text for action in response.context["journey"].actions]
    assert texts[0].startswith("Upload a scan of your final medical diploma")
    assert texts[1].startswith("Apply for USMLE Step 1")
    # Amounts and numbers are isolated (<bdi>) so they read left to right inside Arabic text.
    assert "You owe <strong><bdi>$1,000.00</bdi></strong>" in body
    checklist = response.context["assessment"].requirements
    assert checklist[0].met and checklist[0].rule == "R-ID-1"


def test_a_certified_applicant_sees_the_certificate_and_nothing_to_do(client: Client) -> None:
    applicant = make_graduate()
    _complete(applicant)
    response = logged_in(client, applicant).get(reverse("dashboard"))
    body = response.content.decode()
    assert response.context["assessment"].eligible
    assert response.context["journey"].state == "certified"
    assert [a.key for a in response.context["journey"].actions] == ["certificate"]
    assert "Certificate number <strong><bdi>EC-0000123</bdi></strong>" in body
    assert "You are certified." in body


def test_a_rejected_diploma_shows_the_reason_and_the_next_action(client: Client) -> None:
    applicant = make_graduate()
    DocumentFactory(applicant=applicant, status=Document.Status.REJECTED, status_reason="Unreadable scan.")
    body = logged_in(client, applicant).get(reverse("dashboard")).content.decode()
    assert "ECFMG did not accept your final medical diploma: Unreadable scan. Upload a new copy." in body


def test_dashboard_runs_a_fixed_number_of_queries(client: Client, django_assert_num_queries) -> None:
    applicant = make_graduate()
    logged_in(client, applicant)
    client.get(reverse("dashboard"))
    _complete(applicant)
    ledger_post(applicant=applicant, kind="charge", amount=Decimal("10.00"), description="Fee")
    # session, user, applicant (with schools and certificate); the journey's file in one
    # statement (documents, document history, results, applications, ledger, school
    # verification); who checked
    with django_assert_num_queries(5):
        assert client.get(reverse("dashboard")).status_code == 200
    for _ in range(3):
        DocumentFactory(applicant=applicant, kind="translation")
    with django_assert_num_queries(5):
        assert client.get(reverse("dashboard")).status_code == 200


def test_after_applying_the_next_steps_are_to_schedule_then_pay(client: Client) -> None:
    applicant = make_graduate()
    DocumentFactory(applicant=applicant)
    exam_application_create(applicant=applicant, exam=Exam.STEP1)
    response = logged_in(client, applicant).get(reverse("dashboard"))
    steps = [step.text for step in response.context["journey"].actions]
    assert steps[0].startswith("Schedule your USMLE Step 1 test date before ")
    assert steps[-1] == "Pay your balance of $1,000.00."


def test_the_timeline_lists_what_happened_newest_first(client: Client) -> None:
    applicant = make_graduate()
    applied_for(applicant)  # credentials are processed from the first exam application (R-ED-3)
    document = DocumentFactory(applicant=applicant)
    DocumentEvent.objects.create(document=document, to_status="received")
    document_decide(document=document, to_status="rejected", actor=None, reason="Unreadable scan.")
    ledger_post(applicant=applicant, kind="payment", amount=Decimal("50.00"), description="Card")
    response = logged_in(client, applicant).get(reverse("dashboard"))
    texts = [event.text for event in response.context["timeline"]]
    assert "Payment received: $50.00." in texts
    assert "Final medical diploma rejected: Unreadable scan." in texts
    assert texts.index("Final medical diploma rejected: Unreadable scan.") < texts.index(
        "Final medical diploma received."
    )
    assert texts[-1].startswith("USMLE/ECFMG ID ")


@pytest.mark.parametrize(
    ("language", "rejected", "received", "passed"),
    [
        (
            "es",
            "Documento «Diploma final de medicina» rechazado: Unreadable scan.",
            "Documento «Diploma final de medicina» recibido.",
            "Resultado de USMLE Step 1 registrado: aprobado.",
        ),
        (
            "ru",
            "Документ «Итоговый медицинский диплом» отклонён: Unreadable scan.",
            "Документ «Итоговый медицинский диплом» получен.",
            "Результат USMLE Step 1 зарегистрирован: сдан.",
        ),
    ],
)
def test_the_timeline_is_written_whole_in_the_applicants_language(
    client: Client, language: str, rejected: str, received: str, passed: str
) -> None:
    applicant = make_graduate()
    applicant.user.language = language
    applicant.user.save(update_fields=["language"])
    applied_for(applicant)
    document = DocumentFactory(applicant=applicant)
    DocumentEvent.objects.create(document=document, to_status="received")
    document_decide(document=document, to_status="rejected", actor=None, reason="Unreadable scan.")
    ExamResultFactory(applicant=applicant, exam=Exam.STEP1, outcome="pass")
    response = logged_in(client, applicant).get(reverse("dashboard"))
    texts = [event.text for event in response.context["timeline"]]
    assert rejected in texts and received in texts and passed in texts
