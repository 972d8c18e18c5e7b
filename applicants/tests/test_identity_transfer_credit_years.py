"""R-ED-2: the years in which transfer credit was earned are recorded with it (the
rules count it only if the transfer school was listed in IMED for those years)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from applicants.services.profile import identity_problems
from credentials.tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 1)


def _values(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "given_names": "Ana",
        "last_name": "Silva",
        "date_of_birth": datetime.date(1995, 1, 1),
        "country": "BR",
        "school": SchoolFactory.build(pk=1),
        "graduation_date": datetime.date(2021, 6, 30),
        "academic_years": Decimal("3.5"),
        "transfer_school": SchoolFactory.build(pk=2),
        "transfer_years": Decimal("0.5"),
        "transfer_credit_first_year": 2016,
        "transfer_credit_last_year": 2017,
    }
    values.update(overrides)
    return values


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"transfer_credit_first_year": None}, "transfer_credit_first_year", "Enter the years"),
        ({"transfer_credit_last_year": "soon"}, "transfer_credit_last_year", "Enter the years"),
        ({"transfer_credit_last_year": 2023}, "transfer_credit_last_year", "before your graduation"),
        ({"transfer_credit_first_year": 2018}, "transfer_credit_last_year", "comes before the first"),
    ],
)
def test_transfer_credit_needs_the_years_it_was_earned(
    overrides: dict[str, Any], field: str, words: str
) -> None:
    _, problems = identity_problems(values=_values(**overrides), today=TODAY)
    assert words in problems[field]


def test_the_years_are_kept_with_transfer_credit_and_dropped_without_it() -> None:
    cleaned, problems = identity_problems(values=_values(), today=TODAY)
    assert problems == {}
    assert (cleaned["transfer_credit_first_year"], cleaned["transfer_credit_last_year"]) == (2016, 2017)
    cleaned, problems = identity_problems(
        values=_values(transfer_school=None, transfer_years=Decimal("0"), academic_years=Decimal("6")),
        today=TODAY,
    )
    assert problems == {}
    assert (cleaned["transfer_credit_first_year"], cleaned["transfer_credit_last_year"]) == (None, None)
