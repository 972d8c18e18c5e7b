"""The journey takes the same branch whatever language the applicant reads (issue 16).

Where one rule has unmet states that lead different ways (the school could not verify
the diploma; the final transcript has not arrived; the transfer school's transcript is
missing), the journey reads the requirement's ``outcome`` code, so translating the
rules' sentences cannot send a Spanish or Arabic reader elsewhere than an English one.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from applicants.models import Applicant
from applicants.selectors import applicant_journey
from applicants.tests.test_journey_one_truth import CASES, s_diploma_awaiting_review
from certificates import rules
from certificates.rules import ApplicantFacts, DocumentFact, SchoolFact, evaluate
from credentials.models import Document

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 5, 4)


def s_final_transcript_missing() -> Applicant:
    applicant = s_diploma_awaiting_review()
    Document.objects.filter(applicant=applicant).update(status=Document.Status.VERIFIED)
    return applicant


BUILDERS = {name: case.build for name, case in CASES.items()} | {
    "final transcript missing": s_final_transcript_missing
}


def _branch(applicant: Applicant, language: str) -> tuple[object, ...]:
    with translation.override(language):
        journey = applicant_journey(applicant)
    return (
        journey.state,
        [action.key for action in journey.actions],
        [waiting.rule for waiting in journey.waiting],
        [(r.rule, r.outcome) for r in journey.assessment.requirements],
    )


@pytest.mark.parametrize("language", ["es", "ar"])
@pytest.mark.parametrize("name", list(BUILDERS))
def test_the_journey_takes_the_same_branch_in_spanish_and_arabic_as_in_english(name, language):
    applicant = BUILDERS[name]()
    assert _branch(applicant, language) == _branch(applicant, "en")


def test_a_verified_diploma_without_its_final_transcript_is_the_schools_to_send():
    applicant = s_final_transcript_missing()
    with translation.override("es"):
        journey = applicant_journey(applicant)
    (waiting,) = [w for w in journey.waiting if w.rule == "R-ED-8"]
    assert waiting.text.startswith("El certificado analítico final de su facultad")
    (requirement,) = [r for r in journey.assessment.requirements if r.rule == "R-ED-8"]
    assert requirement.outcome == rules.OUTCOME_FINAL_TRANSCRIPT_MISSING
    assert (
        requirement.reason
        == "Diploma verificado; el certificado analítico final de su facultad aún no ha llegado."
    )


def _transfer_facts(*, transcript: bool) -> ApplicantFacts:
    listed = SchoolFact("F0001", "Own", "FR", ((1990, None),))
    documents = (DocumentFact(rules.TRANSFER_TRANSCRIPT, rules.RECEIVED),) if transcript else ()
    return ApplicantFacts(
        today=TODAY,
        school=listed,
        graduation_date=datetime.date(2024, 6, 1),
        academic_years=Decimal("2.5"),
        transfer_school=SchoolFact("F0002", "Transfer", "FR", ((1990, None),)),
        transfer_years=Decimal("1.5"),
        transfer_earned_years=(2018, 2019),
        documents=documents,
    )


@pytest.mark.parametrize("language", ["en", "es", "ar", "zh-hans"])
def test_transfer_credit_waiting_for_its_transcript_is_an_upload_in_every_language(language):
    with translation.override(language):
        (credit,) = [
            r for r in evaluate(_transfer_facts(transcript=False)).requirements if r.rule == "R-ED-2"
        ]
    assert not credit.met and credit.outcome == rules.OUTCOME_TRANSFER_TRANSCRIPT_NEEDED
    if language == "en":
        assert credit.next_action == "Upload the transcript of your transfer school."
    else:
        assert "transfer school" not in credit.next_action


def test_an_unverifiable_diploma_says_why_in_the_readers_language_and_in_english():
    facts = ApplicantFacts(
        today=TODAY,
        documents=(DocumentFact(rules.DIPLOMA, rules.UNABLE_TO_VERIFY, reason="No record."),),
    )

    def diploma_check(language: str) -> rules.Requirement:
        with translation.override(language):
            return next(r for r in evaluate(facts).requirements if r.rule == "R-ED-8")

    english, french = diploma_check("en"), diploma_check("fr")
    assert english.reason == "Your medical school was unable to verify your diploma: No record."
    assert french.reason == "Votre faculté de médecine n’a pas pu vérifier votre diplôme : No record."  # noqa: RUF001
    assert english.outcome == french.outcome == rules.OUTCOME_SCHOOL_UNABLE_TO_VERIFY
