"""The applicant's dashboard lists which organizations checked their status, and when."""

from __future__ import annotations

import pytest

from applicants.tests.factories import ApplicantFactory
from verification.selectors import verification_requests_for_applicant

from .conftest import auth

pytestmark = pytest.mark.django_db


def test_only_this_applicants_answered_requests_are_listed(
    api, board_key, hospital_key, nunez, django_assert_num_queries
):
    other = ApplicantFactory()
    for key, person, last_name in [
        (board_key, nunez, "NUNEZ"),
        (hospital_key, nunez, "Núñez"),
        (board_key, other, other.last_name),
        (hospital_key, nunez, "Wrong"),  # no match: names nobody
    ]:
        body = {
            "usmle_id": person.usmle_id,
            "last_name": last_name,
            "date_of_birth": str(person.date_of_birth),
        }
        api.post("/api/v1/verifications/", body, format="json", **auth(key))
    with django_assert_num_queries(1):
        rows = [(r.organization.name, r.generated_at) for r in verification_requests_for_applicant(nunez)]
    assert [name for name, _ in rows] == ["General Hospital", "Texas Medical Board"]  # newest first
    assert [r.organization.name for r in verification_requests_for_applicant(other)] == [
        "Texas Medical Board"
    ]
