"""Property-based tests (hypothesis): the rules engine and the directory-range parser
hold their promises for any input, and never fail with anything but their own error."""

from __future__ import annotations

import datetime
from dataclasses import replace
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certificates import rules
from credentials.services.directory import FIRST_YEAR, LAST_YEAR, RowError, parse_graduation_years

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---- directory ranges ---------------------------------------------------------------


@st.composite
def disjoint_ranges(draw: st.DrawFn) -> list[tuple[int, int | None]]:
    """Sorted, non-overlapping ranges inside the allowed years; the last may be open."""
    cuts = sorted(draw(st.sets(st.integers(FIRST_YEAR, LAST_YEAR), min_size=0, max_size=8)))
    ranges: list[tuple[int, int | None]] = []
    for start, end in zip(cuts[0::2], cuts[1::2], strict=False):
        ranges.append((start, end))
    if len(cuts) % 2 == 1:
        last = cuts[-1]
        ranges.append((last, draw(st.sampled_from([None, last]))))
    if ranges and ranges[-1][1] is not None and draw(st.booleans()):
        start, _ = ranges[-1]
        ranges[-1] = (start, None)
    return ranges


def _text(ranges: list[tuple[int, int | None]], pad: str) -> str:
    parts = []
    for start, end in ranges:
        parts.append(f"{start}" if end == start else f"{start}-{'current' if end is None else end}")
    return ";".join(f"{pad}{p}{pad}" for p in parts)


@FUZZ
@given(disjoint_ranges(), st.sampled_from(["", " ", "  "]))
def test_any_valid_directory_text_parses_back_to_its_ranges(ranges, pad):
    assert parse_graduation_years(_text(ranges, pad)) == ranges


@FUZZ
@given(st.text(alphabet="0123456789-;current ,/x\t", max_size=40))
def test_any_text_either_parses_to_valid_ranges_or_is_refused_with_a_row_error(text):
    try:
        parsed = parse_graduation_years(text)
    except RowError:
        return
    for index, (start, end) in enumerate(parsed):
        assert FIRST_YEAR <= start <= LAST_YEAR
        assert end is None or start <= end <= LAST_YEAR
        if index + 1 < len(parsed):
            assert end is not None and end < parsed[index + 1][0]


# ---- rules engine -------------------------------------------------------------------

dates = st.dates(datetime.date(1990, 1, 1), datetime.date(2030, 12, 31))
schools = st.builds(
    rules.SchoolFact,
    imed_id=st.just("F0000001"),
    name=st.just("Faculty of Medicine"),
    country=st.just("IN"),
    eligible_years=st.lists(
        st.tuples(st.integers(1950, 2030), st.none() | st.integers(1950, 2035)), max_size=3
    ).map(tuple),
)
exams = st.builds(
    rules.ExamFact,
    exam=st.sampled_from([rules.STEP1, rules.STEP2CK, rules.STEP2CS]),
    test_date=dates,
    passed=st.booleans(),
)
documents = st.builds(
    rules.DocumentFact,
    kind=st.sampled_from(
        [rules.DIPLOMA, rules.TRANSLATION, rules.FINAL_TRANSCRIPT, rules.TRANSFER_TRANSCRIPT]
    ),
    status=st.sampled_from(
        [rules.RECEIVED, rules.SENT_FOR_VERIFICATION, rules.VERIFIED, rules.UNABLE_TO_VERIFY, rules.REJECTED]
    ),
    language=st.sampled_from(["en", "es", "fr"]),
    source=st.sampled_from(["applicant", rules.FROM_SCHOOL]),
    received_on=st.none() | dates,
    decided_on=st.none() | dates,
)
facts = st.builds(
    rules.ApplicantFacts,
    today=st.dates(datetime.date(2020, 1, 1), datetime.date(2030, 12, 31)),
    usmle_id=st.none() | st.just("12345674"),
    usmle_id_issued_on=st.none() | dates,
    school=st.none() | schools,
    graduation_date=st.none() | dates,
    academic_years=st.integers(0, 8),
    transfer_school=st.none() | schools,
    transfer_years=st.integers(0, 3),
    first_exam_application_on=st.none() | dates,
    exam_results=st.lists(exams, max_size=6).map(tuple),
    documents=st.lists(documents, max_size=5).map(tuple),
    balance=st.decimals(min_value=Decimal("-5000"), max_value=Decimal("5000"), places=2),
)


@FUZZ
@given(facts)
def test_evaluation_is_total_and_deterministic(applicant):
    first = rules.evaluate(applicant)
    assert first == rules.evaluate(applicant)
    assert all(r.reason for r in first.requirements)  # every answer says why


@FUZZ
@given(facts)
def test_nobody_is_eligible_owing_money_without_an_id_or_without_three_passes(applicant):
    assessment = rules.evaluate(applicant)
    if assessment.eligible:
        assert applicant.balance <= 0  # R-PAY-2, to the cent
        assert applicant.usmle_id  # R-ID-1
        for exam in (rules.STEP1, rules.STEP2CK, rules.STEP2CS):  # R-EX-1..3
            assert any(r.exam == exam and r.passed for r in applicant.exam_results)
        assert assessment.exam_requirements_met_on is not None


@FUZZ
@given(facts)
def test_exam_requirements_date_is_the_latest_first_pass(applicant):
    firsts = []
    for exam in (rules.STEP1, rules.STEP2CK, rules.STEP2CS):
        passes = [r.test_date for r in applicant.exam_results if r.exam == exam and r.passed]
        firsts.append(min(passes) if passes else None)
    expected = None if None in firsts else max(d for d in firsts if d is not None)
    assert rules.evaluate(applicant).exam_requirements_met_on == expected  # R-EX-5


@FUZZ
@given(facts, st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2))
def test_any_positive_balance_blocks_the_certificate(applicant, owed):
    assert not rules.evaluate(replace(applicant, balance=owed)).eligible
