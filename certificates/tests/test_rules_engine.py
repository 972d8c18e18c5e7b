"""The rules engine, table-driven: one case per rule and per edge named in domain.md.

Each case builds facts for an otherwise-complete applicant, changes one thing,
and states which requirement must (not) be met.
"""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

import pytest

from certificates.rules import (
    DIPLOMA,
    FINAL_TRANSCRIPT,
    FROM_SCHOOL,
    RECEIVED,
    REJECTED,
    SENT_FOR_VERIFICATION,
    STEP1,
    STEP2CK,
    STEP2CS,
    TRANSFER_TRANSCRIPT,
    TRANSLATION,
    UNABLE_TO_VERIFY,
    VERIFIED,
    ApplicantFacts,
    DocumentFact,
    ExamFact,
    Policy,
    SchoolFact,
    evaluate,
    policy_in_force,
)

TODAY = datetime.date(2026, 11, 25)
LISTED = SchoolFact("F0000580", "Grant Medical College", "IN", ((1965, 1998), (2003, None)))
UNLISTED = SchoolFact("F9999999", "Unlisted College", "XX", ())
D = datetime.date


def complete(**changes: object) -> ApplicantFacts:
    """An applicant who meets every requirement; ``changes`` replaces fields."""
    facts = ApplicantFacts(
        today=TODAY,
        usmle_id="12345674",
        usmle_id_issued_on=D(2023, 1, 10),
        school=LISTED,
        graduation_date=D(2022, 6, 30),
        academic_years=5,
        first_exam_application_on=D(2023, 2, 1),
        exam_results=(
            ExamFact(STEP1, D(2023, 5, 2), True),
            ExamFact(STEP2CK, D(2024, 1, 15), True),
            ExamFact(STEP2CS, D(2019, 3, 1), True),
        ),
        documents=(
            DocumentFact(DIPLOMA, VERIFIED, "en", received_on=D(2023, 2, 1), decided_on=D(2023, 4, 1)),
            DocumentFact(FINAL_TRANSCRIPT, RECEIVED, "en", source=FROM_SCHOOL, received_on=D(2023, 3, 20)),
        ),
        balance=Decimal("0.00"),
    )
    return dataclasses.replace(facts, **changes)  # type: ignore[arg-type]


def without_exam(facts: ApplicantFacts, exam: str) -> tuple[ExamFact, ...]:
    return tuple(r for r in facts.exam_results if r.exam != exam)


def test_a_complete_applicant_is_eligible() -> None:
    assessment = evaluate(complete())
    assert assessment.eligible, [r for r in assessment.requirements if not r.met]


@pytest.mark.parametrize(
    ("name", "changes", "rule"),
    [
        ("R-ID-1 no identification number", {"usmle_id": None, "usmle_id_issued_on": None}, "R-ID-1"),
        ("R-EX-1 step 1 not passed", {"exam_results": without_exam(complete(), STEP1)}, "R-EX-1"),
        ("R-EX-2 step 2 CK not passed", {"exam_results": without_exam(complete(), STEP2CK)}, "R-EX-2"),
        ("R-EX-3 step 2 CS not passed", {"exam_results": without_exam(complete(), STEP2CS)}, "R-EX-3"),
        (
            "R-EX-1 only failed attempts",
            {"exam_results": (*without_exam(complete(), STEP1), ExamFact(STEP1, D(2023, 5, 2), False))},
            "R-EX-1",
        ),
        ("R-ED-1 no school", {"school": None}, "R-ED-1"),
        ("R-ED-1 school not listed", {"school": UNLISTED}, "R-ED-1"),
        ("R-ED-1 graduation year in the gap between ranges", {"graduation_date": D(2000, 6, 1)}, "R-ED-1"),
        ("R-ED-1 graduation year before the first range", {"graduation_date": D(1964, 12, 31)}, "R-ED-1"),
        ("R-ED-2 three years of credit", {"academic_years": 3}, "R-ED-2"),
        (
            "R-ED-2 transfer credit from an unlisted school does not count",
            {"academic_years": 3, "transfer_years": 1, "transfer_school": UNLISTED},
            "R-ED-2",
        ),
        (
            "R-ED-2 transfer credit without the transfer transcript does not count",
            {"academic_years": 3, "transfer_years": 1, "transfer_school": LISTED},
            "R-ED-2",
        ),
        # Without a diploma there is nothing for the school to verify either.
        ("R-ED-6 no diploma", {"documents": ()}, "R-ED-6+R-ED-7+R-ED-8"),
        (
            "R-ED-6 rejected diploma",
            {"documents": (DocumentFact(DIPLOMA, REJECTED, "en", reason="Signatures missing"),)},
            "R-ED-6+R-ED-8",
        ),
        (
            "R-ED-7 non-English diploma without translation",
            {
                "documents": (
                    DocumentFact(
                        DIPLOMA, VERIFIED, "ru", received_on=D(2023, 2, 1), decided_on=D(2023, 4, 1)
                    ),
                    DocumentFact(FINAL_TRANSCRIPT, RECEIVED, source=FROM_SCHOOL, received_on=D(2023, 3, 1)),
                )
            },
            "R-ED-7",
        ),
        (
            "R-ED-7 translation not yet accepted",
            {
                "documents": (
                    DocumentFact(
                        DIPLOMA, VERIFIED, "es", received_on=D(2023, 2, 1), decided_on=D(2023, 4, 1)
                    ),
                    DocumentFact(TRANSLATION, RECEIVED, "en", received_on=D(2023, 2, 1)),
                    DocumentFact(FINAL_TRANSCRIPT, RECEIVED, source=FROM_SCHOOL, received_on=D(2023, 3, 1)),
                )
            },
            "R-ED-7",
        ),
        (
            "R-ED-8 diploma only sent for verification",
            {"documents": (DocumentFact(DIPLOMA, SENT_FOR_VERIFICATION, "en", received_on=D(2023, 2, 1)),)},
            "R-ED-8",
        ),
        (
            "R-ED-8 school unable to verify",
            {"documents": (DocumentFact(DIPLOMA, UNABLE_TO_VERIFY, "en", received_on=D(2023, 2, 1)),)},
            "R-ED-8",
        ),
        (
            "R-ED-8 final transcript uploaded by the applicant does not count",
            {
                "documents": (
                    DocumentFact(
                        DIPLOMA, VERIFIED, "en", received_on=D(2023, 2, 1), decided_on=D(2023, 4, 1)
                    ),
                    DocumentFact(FINAL_TRANSCRIPT, RECEIVED, source="applicant", received_on=D(2023, 3, 1)),
                )
            },
            "R-ED-8",
        ),
        ("R-PAY-2 balance of one cent", {"balance": Decimal("0.01")}, "R-PAY-2"),
    ],
    ids=lambda v: v if isinstance(v, str) and v.startswith("R-") and " " in v else "",
)
def test_a_single_missing_fact_blocks_certification(name: str, changes: dict[str, object], rule: str) -> None:
    assessment = evaluate(complete(**changes))
    assert not assessment.eligible
    expected = rule.split("+")
    assert [r.rule for r in assessment.missing] == expected, name
    assert all(assessment.get(r).next_action for r in expected), (
        "every unmet requirement says what to do next"
    )


@pytest.mark.parametrize(
    ("name", "changes"),
    [
        ("R-ED-1 first year of a range", {"graduation_date": D(1965, 6, 1)}),
        ("R-ED-1 last year of a closed range", {"graduation_date": D(1998, 12, 31)}),
        ("R-ED-1 open-ended range reaches this year", {"graduation_date": D(2026, 6, 1)}),
        ("R-ED-2 exactly four years", {"academic_years": 4}),
        (
            "R-ED-2 three years own plus one transferred from a school listed then, documented",
            {
                "academic_years": 3,
                "transfer_years": 1,
                "transfer_school": LISTED,
                "transfer_earned_years": (2005, 2005),
                "documents": (
                    *complete().documents,
                    DocumentFact(TRANSFER_TRANSCRIPT, RECEIVED, "en", received_on=D(2023, 2, 1)),
                ),
            },
        ),
        (
            "R-ED-7 non-English diploma with accepted translation",
            {
                "documents": (
                    DocumentFact(
                        DIPLOMA, VERIFIED, "fr", received_on=D(2023, 2, 1), decided_on=D(2023, 4, 1)
                    ),
                    DocumentFact(
                        TRANSLATION, VERIFIED, "en", received_on=D(2023, 2, 1), decided_on=D(2023, 4, 1)
                    ),
                    DocumentFact(FINAL_TRANSCRIPT, RECEIVED, source=FROM_SCHOOL, received_on=D(2023, 3, 1)),
                )
            },
        ),
        (
            "R-EX-4 step 2 CS passed long ago never expires",
            {
                "exam_results": (
                    *without_exam(complete(), STEP2CS),
                    ExamFact(STEP2CS, D(2004, 1, 1), True),
                )
            },
        ),
        (
            "R-EX-1 failed then passed",
            {
                "exam_results": (
                    *without_exam(complete(), STEP1),
                    ExamFact(STEP1, D(2022, 1, 5), False),
                    ExamFact(STEP1, D(2022, 9, 5), True),
                )
            },
        ),
        ("R-PAY-2 a credit balance is paid", {"balance": Decimal("-25.00")}),
        ("R-PAY-2 exactly zero", {"balance": Decimal("0.00")}),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_edges_that_still_meet_every_requirement(name: str, changes: dict[str, object]) -> None:
    assessment = evaluate(complete(**changes))
    assert assessment.eligible, (name, assessment.missing)


def test_exam_requirements_met_on_is_the_last_of_the_first_passes() -> None:
    """R-EX-5: latest of the earliest passing date of each Step; a later re-pass does not move it."""
    facts = complete(
        exam_results=(
            ExamFact(STEP1, D(2023, 5, 2), True),
            ExamFact(STEP2CK, D(2023, 11, 1), False),
            ExamFact(STEP2CK, D(2024, 1, 15), True),
            ExamFact(STEP2CK, D(2024, 8, 15), True),
            ExamFact(STEP2CS, D(2019, 3, 1), True),
        )
    )
    assert evaluate(facts).exam_requirements_met_on == D(2024, 1, 15)


def test_exam_requirements_met_on_is_empty_until_all_three_steps_pass() -> None:
    facts = complete(exam_results=without_exam(complete(), STEP2CK))
    assert evaluate(facts).exam_requirements_met_on is None


def test_no_requirement_asks_for_an_english_test() -> None:
    """R-EX-7: TOEFL or any English proficiency test is not a requirement."""
    assessment = evaluate(complete())
    text = " ".join(f"{r.title} {r.reason} {r.next_action}" for r in assessment.requirements).lower()
    assert "toefl" not in text
    assert "english proficiency" not in text
    assert "oet" not in text


def test_every_requirement_carries_the_date_it_was_met() -> None:
    assessment = evaluate(complete())
    assert all(r.met_on is not None for r in assessment.requirements)
    assert assessment.get("R-EX-1").met_on == D(2023, 5, 2)


def test_unmet_exam_explains_attempts_so_far() -> None:
    facts = complete(
        exam_results=(ExamFact(STEP1, D(2023, 5, 2), False), ExamFact(STEP1, D(2023, 9, 2), False))
    )
    assert "2 attempts" in evaluate(facts).get("R-EX-1").reason


def test_student_is_told_when_the_diploma_can_be_sent() -> None:
    """R-ED-5: the next action names the graduation date."""
    facts = complete(documents=(), graduation_date=D(2027, 6, 30))
    assert "30 June 2027" in evaluate(facts).get("R-ED-6").next_action


def test_a_second_dated_policy_is_picked_by_date_without_changing_callers() -> None:
    later = Policy(name="Pathways", effective_from=D(2030, 1, 1), checks=(), exams=(STEP1, STEP2CK))
    import certificates.rules as rules

    original = rules.POLICIES
    rules.POLICIES = (*original, later)
    try:
        assert policy_in_force(D(2029, 12, 31)).name != "Pathways"
        assert policy_in_force(D(2030, 1, 1)).name == "Pathways"
        assert evaluate(complete(today=D(2031, 1, 1))).policy == "Pathways"
    finally:
        rules.POLICIES = original


def test_evaluation_is_pure() -> None:
    facts = complete()
    assert evaluate(facts) == evaluate(facts)


def test_waiting_on_ecfmg_or_the_school_is_in_progress_not_missing() -> None:
    """The applicant is told there is nothing to do while someone else has the file."""
    facts = complete(
        documents=(DocumentFact(DIPLOMA, SENT_FOR_VERIFICATION, "en", received_on=D(2023, 2, 1)),)
    )
    requirement = evaluate(facts).get("R-ED-8")
    assert not requirement.met and requirement.in_progress
    assert not evaluate(complete(balance=Decimal("5.00"))).get("R-PAY-2").in_progress


def test_a_students_future_graduation_is_not_shown_as_a_past_date() -> None:
    facts = complete(graduation_date=D(2027, 6, 30), documents=())
    assessment = evaluate(facts)
    assert assessment.get("R-ED-1").met_on == TODAY
    assert assessment.get("R-ED-2").met_on == TODAY


def test_every_unmet_requirement_tells_the_applicant_what_to_document() -> None:
    """R-ED-9: the applicant documents every requirement, the diploma's receipt included;
    the checklist names each missing piece and the next action."""
    assessment = evaluate(ApplicantFacts(today=TODAY))
    # A new applicant owes nothing yet; everything else is still to be documented.
    assert [r.rule for r in assessment.requirements if r.met] == ["R-PAY-2"]
    assert all(r.next_action for r in assessment.missing)
    assert "diploma" in assessment.get("R-ED-6").next_action.lower()
