"""POST /api/v1/eras/applications/: the ERAS feed reports an applicant's applications."""

from __future__ import annotations

import pytest
from django.db import connection

from verification.eras.models import ResidencyApplication, StatusReport
from verification.models import Organization

from .conftest import key_of
from .factories import ProgramFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/eras/applications/"


def body(person, *programs, **overrides):
    return {
        "usmle_id": person.usmle_id,
        "season": "2027",
        "programs": [p.acgme_program_id for p in programs],
        **overrides,
    }


def test_new_applications_answer_201_and_each_gets_a_report(api, feed, person, program, other_program):
    response = api.post(URL, body(person, program, other_program), format="json", **key_of(feed))

    assert response.status_code == 201
    data = response.json()
    assert data["usmle_id"] == person.usmle_id
    assert [(a["acgme_program_id"], a["created"]) for a in data["applications"]] == [
        ("1404121001", True),
        ("4404121002", True),
    ]
    assert set(StatusReport.objects.values_list("program__acgme_program_id", "version")) == {
        ("1404121001", 1),
        ("4404121002", 1),
    }


def test_a_replay_answers_200_and_records_nothing(api, feed, person, program):
    headers = key_of(feed)
    assert api.post(URL, body(person, program), format="json", **headers).status_code == 201
    response = api.post(URL, body(person, program), format="json", **headers)
    assert response.status_code == 200
    assert response.json()["applications"][0]["created"] is False
    assert ResidencyApplication.objects.count() == 1
    assert StatusReport.objects.count() == 1


def test_an_unknown_program_answers_400_naming_it_and_records_nothing(api, feed, person, program):
    response = api.post(
        URL,
        body(person, program, programs=[program.acgme_program_id, "9999999999"]),
        format="json",
        **key_of(feed),
    )
    assert response.status_code == 400
    assert response.json()["errors"]["programs"] == ["Unknown ACGME program id(s): 9999999999."]
    assert not ResidencyApplication.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"usmle_id": "12345678"}, "usmle_id"),  # wrong check digit
        ({"usmle_id": "abc"}, "usmle_id"),
        ({"season": "1999"}, "season"),
        ({"season": "next"}, "season"),
        ({"programs": []}, "programs"),
        ({"programs": "1404121001"}, "programs"),
    ],
)
def test_an_invalid_body_answers_400_per_field(api, feed, person, program, overrides, field):
    response = api.post(URL, body(person, program, **overrides), format="json", **key_of(feed))
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not ResidencyApplication.objects.exists()


def test_an_applicant_nobody_has_answers_400(api, feed, person, program):
    other_valid_id = "10000008" if person.usmle_id != "10000008" else "10000016"
    response = api.post(URL, body(person, program, usmle_id=other_valid_id), format="json", **key_of(feed))
    assert response.status_code == 400
    assert response.json()["errors"]["usmle_id"] == ["No applicant has this USMLE/ECFMG ID."]


def test_no_key_or_a_wrong_key_answers_401(api, person, program):
    assert api.post(URL, body(person, program), format="json").status_code == 401
    response = api.post(URL, body(person, program), format="json", HTTP_AUTHORIZATION="Token nope")
    assert response.status_code == 401


@pytest.mark.parametrize("kind", [Organization.Kind.RESIDENCY_PROGRAM, Organization.Kind.RESULTS_FEED])
def test_a_key_without_the_eras_feed_right_answers_403(api, person, program, kind):
    organization = ProgramFactory.create(kind=kind)
    response = api.post(URL, body(person, program), format="json", **key_of(organization))
    assert response.status_code == 403


def test_a_body_that_is_not_json_answers_415(api, feed, person, program):
    response = api.post(URL, "usmle_id=1", content_type="text/plain", **key_of(feed))
    assert response.status_code == 415


def test_its_query_count_does_not_grow_with_the_programs(api, feed, person, django_assert_num_queries):
    headers = key_of(feed)
    few = ProgramFactory.create_batch(1)
    many = ProgramFactory.create_batch(6)
    api.post(URL, body(person, *few, season="2026"), format="json", **headers)  # warms the key's last use
    with django_assert_num_queries(QUERIES):
        assert api.post(URL, body(person, *few), format="json", **headers).status_code == 201
    with django_assert_num_queries(QUERIES):
        assert api.post(URL, body(person, *many), format="json", **headers).status_code == 201


# (the key is this process's copy: no query) feed right, applicant, programs, savepoint, applicant lock, existing
# applications, insert applications, audit entry (savepoint, tail, insert,
# release), status snapshot (3), insert reports, release: whatever the number
# of programs.
# PostgreSQL adds the audit chain's advisory lock.
QUERIES = 16 + (connection.vendor == "postgresql")
