"""Issue 12 / issue 13 item 3: the staff file's checklist renders from the applicant's
journey, so staff and the applicant's dashboard name the same next move."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from applicants.models import Applicant
from applicants.selectors import Owner, applicant_journey, staff_view
from applicants.tests.factories import LedgerEntryFactory
from applicants.tests.portal_helpers import logged_in
from applicants.tests.test_journey_one_truth import (
    s_certified,
    s_diploma_at_the_school,
    s_no_id,
    s_owes,
    s_revoked,
)
from tests.admin.test_changelists_fixed_queries import verified_superuser_client

pytestmark = pytest.mark.django_db

NEXT_MOVE = re.compile(r'<tr data-testid="staff-next-move">(.*?)</tr>', re.S)

STATES: dict[str, tuple[Callable[[], Applicant], Owner]] = {
    "no ID": (s_no_id, Owner.APPLICANT),
    "documents in review at the school": (s_diploma_at_the_school, Owner.SCHOOL),
    "fee owed": (s_owes, Owner.APPLICANT),
    "certified": (s_certified, Owner.APPLICANT),
    "revoked": (s_revoked, Owner.APPLICANT),
}


def _staff_file(applicant: Applicant) -> str:
    url = reverse("admin:applicants_applicant_change", args=[applicant.pk])
    return verified_superuser_client().get(url).content.decode()


@pytest.mark.parametrize("name", list(STATES))
def test_the_staff_file_and_the_dashboard_name_the_same_next_move(client: Client, name: str) -> None:
    build, owner = STATES[name]
    applicant = build()
    journey = applicant_journey(applicant)
    move = staff_view(journey, opened_on=applicant.created_at.date()).next_move
    assert move is not None and move.owner == owner
    dashboard = logged_in(client, applicant).get(reverse("dashboard")).content.decode()
    row = NEXT_MOVE.search(_staff_file(applicant))
    assert row is not None
    assert escape(move.text) in row.group(1)
    if journey.next_action is not None:  # the applicant's move: the same words on both pages
        assert move.text == journey.next_action.text
        assert escape(journey.next_action.text) in dashboard
    else:  # a wait: the dashboard says what it waits on, the staff file says who has it
        assert escape(journey.headline) in dashboard and move.text in journey.headline
        assert escape(move.who) in row.group(1)


def test_a_wait_on_the_school_says_which_school_and_since_when() -> None:
    applicant = s_diploma_at_the_school()
    move = staff_view(applicant_journey(applicant), opened_on=applicant.created_at.date()).next_move
    assert move is not None and move.who == applicant.school.name and move.since is not None


def test_a_not_yet_eligible_applicant_reads_not_yet_eligible() -> None:
    assert "Not yet eligible" in _staff_file(s_no_id())


def _queries(client: Client, applicant: Applicant) -> int:
    url = reverse("admin:applicants_applicant_change", args=[applicant.pk])
    client.get(url)  # warm the session and the admin's caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_file_costs_the_same_queries_at_two_sizes() -> None:
    small = s_owes()
    large = s_owes()
    for _ in range(30):
        LedgerEntryFactory(applicant=large, kind="charge")
    client = verified_superuser_client()
    counts = (_queries(client, small), _queries(client, large))
    assert counts[0] == counts[1], counts
    # Session, user and OTP device, the admin's context, the file's lists and the
    # journey's file in one statement (the applicant is loaded once, as the journey loads it).
    assert counts[0] == 19, counts
