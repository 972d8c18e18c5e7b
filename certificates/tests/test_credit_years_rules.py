"""R-ED-2 in the rules engine (pure, table-driven): credit to the half year, own and
transfer credit added up, and transfer credit counted only when the transfer school is
listed in IMED for every year in which it was earned."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

import pytest

from certificates.rules import (
    TRANSFER_TRANSCRIPT,
    TRANSFER_YEARS_MISSING,
    ApplicantFacts,
    DocumentFact,
    SchoolFact,
    check_academic_years,
)

TODAY = datetime.date(2026, 12, 1)
DEGREE_SCHOOL = SchoolFact("F0000580", "Grant Medical College", "IN", ((1965, None),))
# Listed 2003-2010 and from 2014 on: not for 2011-2013.
TRANSFER_SCHOOL = SchoolFact("F0000123", "Universidad Central", "VE", ((2003, 2010), (2014, None)))
TRANSCRIPT = DocumentFact(kind=TRANSFER_TRANSCRIPT, status="received", received_on=datetime.date(2026, 1, 5))


def facts(**changes: object) -> ApplicantFacts:
    base = ApplicantFacts(
        today=TODAY,
        school=DEGREE_SCHOOL,
        graduation_date=datetime.date(2020, 6, 30),
        academic_years=Decimal("3.5"),
        transfer_school=TRANSFER_SCHOOL,
        transfer_years=Decimal("0.5"),
        transfer_earned_years=(2015, 2015),
        documents=(TRANSCRIPT,),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "met", "words"),
    [
        pytest.param({}, True, "3.5 years at your degree school + 0.5 transferred", id="3.5 + 0.5 = 4"),
        pytest.param(
            {"academic_years": Decimal("4.5"), "transfer_years": 0}, True, "4.5 years", id="own 4.5"
        ),
        pytest.param(
            {"academic_years": Decimal("3"), "transfer_years": Decimal("0.5")}, False, "3.5", id="3 + 0.5"
        ),
        pytest.param({"transfer_earned_years": (2009, 2010)}, True, "transferred", id="listed 2009-2010"),
        pytest.param(
            {"transfer_earned_years": (2012, 2012)}, False, "not listed in IMED for 2012", id="earned in 2012"
        ),
        pytest.param(
            {"transfer_earned_years": (2010, 2014)}, False, "not listed in IMED for 2010 to 2014", id="partly"
        ),
        pytest.param({"transfer_earned_years": None}, False, TRANSFER_YEARS_MISSING, id="years not given"),
        pytest.param({"documents": ()}, False, "transcript of the transfer school", id="no transcript"),
        pytest.param(
            {"transfer_school": SchoolFact("F9", "Unlisted", "XX", ())},
            False,
            "not listed in IMED",
            id="unlisted",
        ),
    ],
)
def test_credit_years_add_up_and_transfer_credit_counts_only_for_years_the_school_was_listed(
    changes: dict[str, object], met: bool, words: str
) -> None:
    requirement = check_academic_years(facts(**changes))
    assert requirement.met is met
    assert words in requirement.reason
    if not met:
        assert requirement.next_action


def test_missing_transfer_years_tell_the_applicant_where_to_give_them() -> None:
    requirement = check_academic_years(facts(transfer_earned_years=None))
    assert "identity details" in requirement.next_action
