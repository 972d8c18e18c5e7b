"""GET /api/v1/eras/reports/ and /reports/{id}/: a program pulls its own reports only."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.utils import timezone

from verification.eras.models import StatusReport
from verification.eras.services import status_reports_refresh
from verification.models import Organization

from .conftest import apply, key_of, latest_report
from .factories import ProgramFactory, applicant

pytestmark = pytest.mark.django_db
URL = "/api/v1/eras/reports/"


def test_a_program_lists_its_reports_newest_first(api, feed, person, program, other_program):
    apply(feed, person, program, other_program)
    second = applicant()
    apply(feed, second, program)

    response = api.get(URL, **key_of(program))

    assert response.status_code == 200
    data = response.json()
    assert [r["usmle_id"] for r in data["results"]] == [second.usmle_id, person.usmle_id]
    assert {r["acgme_program_id"] for r in data["results"]} == {"1404121001"}
    first = data["results"][1]
    assert first["version"] == 1
    assert first["season"] == "2027"
    assert first["applicant"] == {"given_names": "María José", "last_name": "Núñez"}
    assert first["certification"]["status"] == "not_certified"
    assert [e["exam"] for e in first["exams"]] == ["STEP1", "STEP2CK", "STEP2CS"]
    assert first["medical_education"]["credential_status"] == "Not yet submitted"


def test_the_list_is_paginated_with_a_cursor(api, feed, program):
    for _ in range(3):
        apply(feed, applicant(), program)
    headers = key_of(program)
    page = api.get(URL, {"page_size": 2}, **headers).json()
    assert len(page["results"]) == 2
    rest = api.get(page["next"], **headers).json()
    assert len(rest["results"]) == 1
    assert rest["next"] is None
    ids = [r["id"] for r in page["results"] + rest["results"]]
    assert ids == [str(r.public_id) for r in StatusReport.objects.order_by("-id")]


def test_since_keeps_the_reports_generated_from_then_on(api, feed, person, program, time_machine):
    time_machine.move_to(timezone.now() - datetime.timedelta(days=2))
    apply(feed, person, program)
    time_machine.move_to(timezone.now() + datetime.timedelta(days=2))
    later = applicant()
    apply(feed, later, program)
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()

    response = api.get(URL, {"since": since}, **key_of(program))

    assert [r["usmle_id"] for r in response.json()["results"]] == [later.usmle_id]


@pytest.mark.parametrize("since", ["yesterday", "2026-11-01T00:00:00", "2026-13-40T00:00:00Z"])
def test_a_malformed_since_answers_400(api, program, since):
    response = api.get(URL, {"since": since}, **key_of(program))
    assert response.status_code == 400
    assert "since" in response.json()["errors"]


def test_a_program_reads_one_report(api, feed, person, program):
    apply(feed, person, program)
    report = latest_report(program)
    response = api.get(f"{URL}{report.public_id}/", **key_of(program))
    assert response.status_code == 200
    assert response.json()["id"] == str(report.public_id)
    assert response.json()["usmle_id"] == person.usmle_id


def test_another_programs_report_is_not_found(api, feed, person, program, other_program):
    apply(feed, person, program)
    report = latest_report(program)
    response = api.get(f"{URL}{report.public_id}/", **key_of(other_program))
    assert response.status_code == 404
    assert api.get(URL, **key_of(other_program)).json()["results"] == []


@pytest.mark.parametrize("report_id", ["not-a-uuid", str(uuid.uuid4())])
def test_an_unknown_report_is_not_found(api, program, report_id):
    assert api.get(f"{URL}{report_id}/", **key_of(program)).status_code == 404


def test_no_key_answers_401(api, feed, person, program):
    apply(feed, person, program)
    assert api.get(URL).status_code == 401
    assert api.get(f"{URL}{latest_report(program).public_id}/").status_code == 401


@pytest.mark.parametrize("kind", [Organization.Kind.LICENSING_AUTHORITY, Organization.Kind.OTHER])
def test_a_key_that_is_not_a_programs_answers_403(api, feed, person, program, kind):
    apply(feed, person, program)
    organization = ProgramFactory.create(kind=kind, acgme_program_id=None)
    headers = key_of(organization)
    assert api.get(URL, **headers).status_code == 403
    assert api.get(f"{URL}{latest_report(program).public_id}/", **headers).status_code == 403
    assert api.get(URL, **key_of(feed)).status_code == 403


def test_query_counts_do_not_grow_with_the_reports(api, feed, program, django_assert_num_queries):
    people = [applicant() for _ in range(5)]
    apply(feed, people[0], program)
    headers = key_of(program)
    api.get(URL, **headers)  # warms the key's last use
    # The key comes from this process's copy (verification/services/keys.py): no query.
    with django_assert_num_queries(1):  # one page of reports with their applications
        assert len(api.get(URL, **headers).json()["results"]) == 1
    for person in people[1:]:
        apply(feed, person, program)
    status_reports_refresh(applicant_ids=[p.pk for p in people], cause="test")
    with django_assert_num_queries(1):
        assert len(api.get(URL, **headers).json()["results"]) == 5
    detail = f"{URL}{latest_report(program).public_id}/"
    with django_assert_num_queries(1):  # the report
        assert api.get(detail, **headers).status_code == 200
