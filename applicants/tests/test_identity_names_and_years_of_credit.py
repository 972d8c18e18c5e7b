"""Issue 12, item 6: names are letters of any script (R-ID-3: kept exactly as typed),
never emoji, symbols or control characters; years of credit are recorded to the half
year (R-ED-2), and 0, negative or absurd numbers are refused with a message."""

from __future__ import annotations

import datetime
import unicodedata
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
        "academic_years": Decimal("6"),
        "transfer_school": None,
        "transfer_years": Decimal("0"),
    }
    values.update(overrides)
    return values


@pytest.mark.parametrize(
    "name",
    [
        "O'Brien",
        "O\u2019Brien",  # typographic apostrophe
        "Núñez",
        "El-Sayed",
        "李",
        "欧阳 娜娜",
        "محمد",
        "Ñandú",
        "Nu\u0301n\u0303ez",  # combining acute and tilde, as some keyboards type them
        "Nguyễn Thị Minh Khai",
        "Владимир",
        "Δημήτρης",
        "सुनीता",
        "ሰላም",
        "Jean-Luc St. Pierre",
        "\u02bbŌlelo",  # the Hawaiian okina is a letter
        "Fatemeh Mohammad\u200cZadeh",  # Persian zero-width non-joiner
        "Ng\u0027ang\u0027a",
    ],
)
def test_real_names_in_any_script_are_accepted(name: str) -> None:
    cleaned, problems = identity_problems(values=_values(given_names=name, last_name=name), today=TODAY)
    assert "given_names" not in problems and "last_name" not in problems, problems
    assert cleaned["last_name"] == unicodedata.normalize("NFC", name)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("Ana 😀", "letters (of any alphabet), spaces, hyphens, apostrophes and full stops only (“😀”)"),
        ("Ana❤", "(“❤”)"),
        ("Ana\u0000", "control character"),
        ("Ana\u001f", "control character"),
        ("Ana\tSilva", "control character"),
        ("R2D2", "(“2”)"),
        ("Ana@home", "(“@”)"),
        ("Ana<script>", "(“<”)"),
        ("Ana\u202eavliS", "only"),  # right-to-left override: a format character, not a letter
        ("-Ana", "must begin with a letter"),
        ("x" * 201, "too long"),
        ("   ", "Enter your given names"),
    ],
)
def test_a_name_with_an_emoji_symbol_or_control_character_is_refused(name: str, words: str) -> None:
    _, problems = identity_problems(values=_values(given_names=name), today=TODAY)
    assert words in problems["given_names"]


@pytest.mark.parametrize("years", ["0.5", "4", "4.5", "6", "10"])
def test_years_of_credit_to_the_half_year_are_accepted(years: str) -> None:
    cleaned, problems = identity_problems(values=_values(academic_years=Decimal(years)), today=TODAY)
    assert "academic_years" not in problems
    assert cleaned["academic_years"] == Decimal(years)


@pytest.mark.parametrize(
    ("years", "words"),
    [
        ("0", "at least half a year"),
        ("-1", "at least half a year"),
        ("4.25", "to the half year"),
        ("4.3", "to the half year"),
        ("10.5", "cannot be more than 10 years"),
        ("99999", "cannot be more than 10 years"),
        ("NaN", "as a number of years"),
        ("Infinity", "as a number of years"),
        ("abc", "as a number of years"),
    ],
)
def test_zero_negative_fractional_or_absurd_years_are_refused(years: str, words: str) -> None:
    _, problems = identity_problems(values=_values(academic_years=years), today=TODAY)
    assert words in problems["academic_years"]


@pytest.mark.parametrize(
    ("years", "words"), [("-0.5", "cannot be negative"), ("1.2", "to the half year"), ("11", "more than 10")]
)
def test_transfer_years_are_checked_the_same_way(years: str, words: str) -> None:
    _, problems = identity_problems(
        values=_values(transfer_years=years, transfer_school=SchoolFactory.build(pk=2)), today=TODAY
    )
    assert words in problems["transfer_years"]


def test_every_problem_is_reported_not_only_the_first() -> None:
    _, problems = identity_problems(
        values=_values(given_names="🙂", last_name="", date_of_birth=None, country="XX", academic_years="0"),
        today=TODAY,
    )
    assert set(problems) == {"given_names", "last_name", "date_of_birth", "country", "academic_years"}
