"""The rules engine's words (requirement titles, reasons, actions) are written in the
reader's language when the checks run, while the verdict and the English stay as they
were (issue 16, docs/i18n.md)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from applicants.tests.factories import ApplicantFactory
from applicants.tests.portal_helpers import logged_in
from certificates.rules import STEP1, ApplicantFacts, ExamFact, evaluate

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 5, 4)


def _speaking(language: str):
    applicant = ApplicantFactory()
    applicant.user.language = language
    applicant.user.save(update_fields=["language"])
    return applicant


def test_the_dashboard_checklist_names_each_requirement_in_spanish(client):
    html = logged_in(client, _speaking("es")).get(reverse("dashboard")).content.decode()
    assert "Todas las tasas pagadas" in html  # "All fees paid"
    assert "Facultad de medicina incluida en IMED para su año de graduación" in html
    assert "Traducción oficial al inglés del diploma (si no está en inglés)" in html
    assert "Aprobar USMLE Step 2 Clinical Knowledge (CK)" in html  # the exam's name stays official
    assert "All fees paid" not in html
    assert "Medical school listed in IMED" not in html


def test_the_dashboard_checklist_names_each_requirement_in_arabic(client):
    html = logged_in(client, _speaking("ar")).get(reverse("dashboard")).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "سداد جميع الرسوم" in html  # "All fees paid"
    assert "كلية الطب مُدرجة في IMED لسنة تخرجك" in html
    assert "اجتياز USMLE Step 1" in html
    assert "All fees paid" not in html


def test_the_verdict_is_the_same_in_every_language_and_the_english_is_unchanged():
    facts = ApplicantFacts(
        today=TODAY,
        academic_years=Decimal("1.5"),
        exam_results=(ExamFact(STEP1, datetime.date(2026, 3, 2), False),),
        balance=Decimal("1000"),
    )
    with translation.override("en"):
        english = evaluate(facts)
    with translation.override("ru"):
        russian = evaluate(facts)
    assert [(r.rule, r.met, r.met_on, r.in_progress) for r in russian.requirements] == [
        (r.rule, r.met, r.met_on, r.in_progress) for r in english.requirements
    ]
    assert english.get("R-EX-1").reason == "Not passed yet (1 attempt recorded)."
    assert english.get("R-ED-2").reason == "1.5 academic years of credit counted."
    assert english.get("R-PAY-2").reason == "Outstanding balance: $1,000.00."
    # A fraction is never singular; the number keeps its own writing.
    assert russian.get("R-ED-2").reason == "засчитано: 1.5 учебных года."
    assert russian.get("R-EX-1").reason == "Пока не сдан (зарегистрирована 1 попытка)."
    assert russian.get("R-PAY-2").reason == "Задолженность: $1,000.00."


def test_a_date_inside_a_reason_names_its_month_in_the_active_language():
    facts = ApplicantFacts(today=TODAY, exam_results=(ExamFact(STEP1, datetime.date(2026, 5, 4), True),))
    with translation.override("en"):
        assert evaluate(facts).get("R-EX-1").reason == "Passed on 4 May 2026."
    with translation.override("es"):
        assert evaluate(facts).get("R-EX-1").reason == "Aprobado el 4 mayo 2026."


def test_the_remembered_words_follow_each_change_of_language():
    """``rules._`` keeps each message per language: switching back and forth in one
    process gives each reader their own words every time."""
    facts = ApplicantFacts(today=TODAY, balance=Decimal("1000"))

    def fees_title(language: str) -> str:
        with translation.override(language):
            return next(r.title for r in evaluate(facts).requirements if r.rule == "R-PAY-2")

    assert [fees_title(language) for language in ("es", "en", "ar", "es", "en")] == [
        "Todas las tasas pagadas",
        "All fees paid",
        "سداد جميع الرسوم",
        "Todas las tasas pagadas",
        "All fees paid",
    ]
