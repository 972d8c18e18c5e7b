"""The applicant's e-mails are written in the language saved on their account, whatever
language the request that caused them speaks, and dates follow it (issue 16, docs/i18n.md)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import translation

from applicants.models import LedgerEntry
from applicants.services.ledger import ledger_post
from applicants.tests.factories import ApplicantFactory
from applicants.tests.notification_helpers import staff
from certificates.services import certificate_send_issued_email
from certificates.tests.factories import CertificateFactory
from credentials.models import Document
from credentials.services.documents import document_decide
from credentials.tests.factories import DocumentFactory
from ecfmg_portal.formatting import format_day
from exams.models import Exam
from exams.services import exam_result_record
from exams.tests.factories import applied_for, sitting_for

pytestmark = pytest.mark.django_db


def _applicant_speaking(language: str):
    applicant = ApplicantFactory(given_names="Lucía", last_name="Fernández")
    applicant.user.language = language
    applicant.user.save(update_fields=["language"])
    return applicant


def test_an_applicant_who_chose_spanish_gets_the_exam_result_e_mail_in_spanish(
    django_capture_on_commit_callbacks,
):
    applicant = _applicant_speaking("es")
    sitting_for(applicant, Exam.STEP1, datetime.date(2025, 3, 3))
    # Staff record the result from an English page: the e-mail still speaks Spanish.
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        exam_result_record(
            applicant=applicant,
            exam=Exam.STEP1,
            test_date=datetime.date(2025, 3, 3),
            outcome="pass",
            score=231,
        )
    [message] = mail.outbox
    assert message.subject == "Su resultado de USMLE Step 1 está disponible"
    assert "Estimado/a Lucía Fernández:" in message.body
    assert "Se ha registrado su resultado de USMLE Step 1, realizado el 3 marzo 2025." in message.body
    assert "¿Preguntas? Escriba a" in message.body
    assert "Dear" not in message.body and "Questions?" not in message.body


def test_an_applicant_who_chose_arabic_gets_the_payment_e_mail_in_arabic(django_capture_on_commit_callbacks):
    applicant = _applicant_speaking("ar")
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        ledger_post(
            applicant=applicant,
            kind=LedgerEntry.Kind.PAYMENT,
            amount=Decimal("950.00"),
            description="Card payment",
            reference="pay-ar-1",
        )
    [message] = mail.outbox
    assert message.subject == "استلمنا دفعتك البالغة $950.00"
    assert "عزيزي/عزيزتي Lucía Fernández،" in message.body
    assert "استلمنا دفعتك البالغة $950.00 في " in message.body
    assert "إيصالك مرفق بهذه الرسالة (PDF)" in message.body
    assert "اعتماد ECFMG" in message.body
    assert "Thank you" not in message.body and "Merci" not in message.body


def test_an_applicant_without_a_saved_language_is_written_to_in_english(django_capture_on_commit_callbacks):
    applicant = _applicant_speaking("")
    sitting_for(applicant, Exam.STEP1, datetime.date(2025, 3, 3))
    with translation.override("ru"), django_capture_on_commit_callbacks(execute=True):
        exam_result_record(
            applicant=applicant,
            exam=Exam.STEP1,
            test_date=datetime.date(2025, 3, 3),
            outcome="pass",
            score=231,
        )
    [message] = mail.outbox
    assert message.subject == "Your USMLE Step 1 result is available"
    assert "Your result for USMLE Step 1, taken on 3 March 2025, has been recorded." in message.body


@pytest.mark.parametrize(
    ("language", "subject", "greeting", "stays_english"),
    [
        (
            "es",
            "Se ha emitido su Certificado Estándar del ECFMG",
            "Estimado/a Lucía Fernández:",
            "El certificado se mantiene en inglés",
        ),
        (
            "ar",
            "صدرت شهادتك Standard ECFMG Certificate",
            "عزيزي/عزيزتي Lucía Fernández،",
            "تبقى الشهادة باللغة الإنجليزية",
        ),
        (
            "",
            "Your Standard ECFMG Certificate has been issued",
            "Dear Lucía Fernández,",
            "The certificate stays in English",
        ),
    ],
)
def test_the_certificate_issued_e_mail_speaks_the_holders_language(
    language, subject, greeting, stays_english
):
    # Sent by certificates.services from a worker, outside any request, under an English
    # request's language here: the holder's saved language decides, subject included.
    applicant = ApplicantFactory(given_names="Lucía", last_name="Fernández")
    applicant.user.language = language
    applicant.user.save()
    certificate = CertificateFactory(applicant=applicant)
    with translation.override("en"):
        assert certificate_send_issued_email(certificate_id=certificate.pk)
    message = mail.outbox[-1]
    assert message.subject == subject
    assert message.body.startswith(greeting)
    assert stays_english in message.body
    assert certificate.number in message.body


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "4 May 2026"), ("es", "4 mayo 2026"), ("ar", "4 مايو 2026"), ("fr", "4 mai 2026")],
)
def test_the_day_filter_names_the_month_in_the_active_language(language, expected):
    with translation.override(language):
        assert format_day(datetime.date(2026, 5, 4)) == expected


def test_a_document_decision_e_mail_names_the_document_in_the_applicants_language(
    django_capture_on_commit_callbacks,
):
    document = DocumentFactory(kind=Document.Kind.TRANSLATION, status="received")
    document.applicant.user.language = "ru"
    document.applicant.user.save(update_fields=["language"])
    applied_for(document.applicant)
    with django_capture_on_commit_callbacks(execute=True):
        document_decide(document=document, to_status=Document.Status.VERIFIED, actor=staff())
    [message] = mail.outbox
    assert message.subject == "Ваш документ подтверждён"
    assert "ECFMG подтвердила ваш документ: Официальный перевод диплома на английский язык." in message.body
