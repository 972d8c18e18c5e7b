"""The people search is served by indexes at 100k applicants (PostgreSQL's plans).

Rows are written with COPY (``applicants.loadgen.rows``) inside the test's
transaction, with the search key as ``Applicant.save`` would write it, and the
tables ANALYZEd. The queries explained are the ones ``applicants_matching`` builds.
"""

from __future__ import annotations

import os

import pytest
from django.db import connection
from django.utils import timezone

from applicants.loadgen.rows import Table
from applicants.models import Applicant, User
from applicants.search import applicants_matching, search_key
from applicants.services.identity import luhn_check_digit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

ROWS = 100_000
SYLLABLES = (
    "ka",
    "ro",
    "mi",
    "ta",
    "ne",
    "lu",
    "so",
    "vi",
    "de",
    "pa",
    "zu",
    "gor",
    "an",
    "bel",
    "cho",
    "dra",
    "fen",
    "hul",
    "jas",
    "qui",
)
# The people searched for, once each among 100k others with made-up, unique surnames.
SOUGHT = {10: ("María", "Núñez"), 20_000: ("Omar", "El-Sayed"), 70_000: ("Ana", "García-López")}


def _surname(n: int) -> str:
    """A unique invented surname per row (four syllables of twenty)."""
    parts = []
    for _ in range(4):
        n, digit = divmod(n, len(SYLLABLES))
        parts.append(SYLLABLES[digit])
    return "".join(parts).capitalize()


@pytest.fixture(scope="module", autouse=True)
def _postgresql_only(django_db_setup):
    if connection.vendor != "postgresql":
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("REQUIRE_SERVICES=1 but the database is not PostgreSQL.")
        pytest.skip("EXPLAIN checks need PostgreSQL (set DATABASE_URL).")


def _write() -> dict[str, str]:
    now = timezone.now()
    users, applicants = Table(User), Table(Applicant)
    for n in range(ROWS):
        users.add(email=f"search{n}@load.example", password="!", is_active=True, date_joined=now)
    users.reserve_ids()
    for n, user in enumerate(users.rows):
        given, last_name = SOUGHT.get(n, ("Ana", _surname(n)))
        body = f"{2_000_000 + n:07d}"
        applicants.add(
            user_id=user["id"],
            usmle_id=body + luhn_check_digit(body),
            given_names=given,
            last_name=last_name,
            search_key=search_key(given_names=given, last_name=last_name),
            created_at=now,
            updated_at=now,
        )
    sample = {"email": users.rows[ROWS // 3]["email"], "usmle_id": applicants.rows[ROWS // 2]["usmle_id"]}
    users.flush()
    applicants.flush()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE applicants_user")
        cursor.execute("ANALYZE applicants_applicant")
    return sample


def _plan(term: str) -> str:
    sql, params = applicants_matching(Applicant.objects.all(), term).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_people_search_uses_indexes_at_100k_applicants():
    sample = _write()
    failures = []
    for term in ("nunez", "el sayed", "garcia lopez", sample["email"], sample["usmle_id"]):
        plan = _plan(term)
        print(f"-- {term}\n{plan}\n")
        if "Seq Scan on applicants_applicant" in plan or "Seq Scan on applicants_user" in plan:
            failures.append(f"{term}: sequential scan\n{plan}")
    assert "applicant_search_key_trgm" in _plan("nunez")
    assert not failures, "\n\n".join(failures)
    assert [a.last_name for a in applicants_matching(Applicant.objects.all(), "el sayed")] == ["El-Sayed"]
    assert [a.last_name for a in applicants_matching(Applicant.objects.all(), "NUNEZ")] == ["Núñez"]
