"""R-ID-1..3: the USMLE/ECFMG Identification Number."""

from __future__ import annotations

import pytest

from applicants.services.identity import (
    applicant_issue_usmle_id,
    fold_name,
    generate_usmle_id,
    luhn_check_digit,
    usmle_id_is_valid,
)
from applicants.tests.factories import ApplicantFactory
from ecfmg_portal.errors import DomainError


def test_generated_numbers_are_eight_digits_with_a_valid_check_digit() -> None:
    for _ in range(500):
        number = generate_usmle_id()
        assert len(number) == 8 and number.isdigit()
        assert usmle_id_is_valid(number)


@pytest.mark.parametrize("position", range(8))
def test_a_single_mistyped_digit_is_rejected(position: int) -> None:
    """R-ID-2: a typo is refused rather than matched to someone else."""
    number = "1234567" + luhn_check_digit("1234567")
    for wrong in "0123456789":
        if wrong == number[position]:
            continue
        typo = number[:position] + wrong + number[position + 1 :]
        assert not usmle_id_is_valid(typo), typo


def test_swapped_neighbour_digits_are_rejected() -> None:
    number = "1234567" + luhn_check_digit("1234567")
    swapped = number[:2] + number[3] + number[2] + number[4:]
    assert not usmle_id_is_valid(swapped)


@pytest.mark.parametrize(
    "value",
    ["", "1234567", "123456789", "1234567a", "\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff14", " 12345674"],
)
def test_malformed_numbers_are_rejected(value: str) -> None:
    assert not usmle_id_is_valid(value)


@pytest.mark.django_db
def test_issuing_is_idempotent_and_never_changes_the_number() -> None:
    applicant = ApplicantFactory(usmle_id=None, usmle_id_issued_at=None)
    first = applicant_issue_usmle_id(applicant=applicant)
    second = applicant_issue_usmle_id(applicant=applicant)
    applicant.refresh_from_db()
    assert first == second == applicant.usmle_id
    assert usmle_id_is_valid(first)


@pytest.mark.django_db
def test_an_id_needs_complete_identity_details() -> None:
    """R-ID-1: the number is issued only for a complete identity."""
    applicant = ApplicantFactory(usmle_id=None, usmle_id_issued_at=None, date_of_birth=None, school=None)
    with pytest.raises(DomainError, match="date of birth, school"):
        applicant_issue_usmle_id(applicant=applicant)
    applicant.refresh_from_db()
    assert applicant.usmle_id is None


@pytest.mark.django_db
def test_each_applicant_gets_a_different_number() -> None:
    numbers = {
        applicant_issue_usmle_id(applicant=ApplicantFactory(usmle_id=None, usmle_id_issued_at=None))
        for _ in range(20)
    }
    assert len(numbers) == 20


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("Núñez", "NUNEZ"),
        ("Müller-Lüdenscheidt", "muller ludenscheidt"),
        ("O'Brien", "OBRIEN"),
        ("Ødegård", "ødegard"),
    ],
)
def test_name_folding_ignores_case_and_accents(stored: str, typed: str) -> None:
    assert fold_name(stored) == fold_name(typed)


@pytest.mark.django_db
def test_names_are_kept_exactly_as_on_the_diploma() -> None:
    """R-ID-3: no case change or transliteration of the recorded name."""
    applicant = ApplicantFactory(given_names="José María", last_name="de la Cruz Núñez")
    applicant.refresh_from_db()
    assert applicant.full_name == "José María de la Cruz Núñez"
