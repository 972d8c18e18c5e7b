"""How many statements each staff list of the benchmark runs, exactly.

``tests/bench/pages.py`` times these lists at 100k applicants; what makes them cheap
(the sidebar rendered once, row links from one reversed URL, one COUNT for a filtered
list, none for an unfiltered large one) must not cost a statement per page either.
Three of each are the request's own: the session, the user, the OTP device.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applicants.demo.loader import seed_demo
from applicants.models import Applicant
from tests.admin.test_changelists_fixed_queries import verified_superuser_client
from tests.bench.pages import CHANGELISTS

pytestmark = pytest.mark.django_db

# On PostgreSQL an unfiltered list first asks the planner for the table's size and,
# below 50,000 rows (as here), then counts it: one statement more than on SQLite. At
# 100k applicants the planner's estimate replaces that count.
SQLITE = {
    "applicants": 6,
    "applicants: search by USMLE ID": 6,
    "documents: verified": 5,
    "documents: review queue (received)": 5,
    "ledger entries": 5,
    "exam applications": 5,
    "exam results": 5,
    "certificates": 5,
    "verification requests": 6,
    "ERAS residency applications": 6,
    "ERAS webhook deliveries": 6,
}


def test_each_benchmarked_staff_list_runs_a_fixed_number_of_statements(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        seed_demo()
    usmle_id = Applicant.objects.exclude(usmle_id=None).values_list("usmle_id", flat=True).first()
    client = verified_superuser_client()
    counts = {}
    for label, name, query in CHANGELISTS:
        url = reverse(name) + query.format(usmle_id=usmle_id)
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[label] = len(queries)
    expected = dict(SQLITE)
    if connection.vendor == "postgresql":
        unfiltered = {label for label, _, query in CHANGELISTS if not query}
        expected = {label: n + (label in unfiltered) for label, n in expected.items()}
    assert counts == expected
