"""The hot lookups use indexes at 100k rows (PostgreSQL's plans; SQLite is skipped).

Rows are written with COPY (``applicants.loadgen.rows``) inside the test's
transaction and the tables ANALYZEd, so the planner sees realistic volumes. The
queries explained are the ones the real selectors run, captured as they run.
A sequential scan of a large table fails the test; small tables (schools,
organizations) may be scanned, which is what the planner should do.
"""

from __future__ import annotations

import datetime
import os
import random
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applicants.loadgen.rows import Table
from applicants.models import Applicant, User
from applicants.services.identity import fold_name, luhn_check_digit
from certificates.models import Certificate
from credentials.models import Document
from ecfmg_portal.workbench.registry import queues_of_model
from verification.facts import verification_facts
from verification.models import Organization, VerificationReport
from verification.selectors import public_check_by_code

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

ROWS = 100_000
LARGE_TABLES = (
    "applicants_user",
    "applicants_applicant",
    "credentials_document",
    "certificates_certificate",
    "verification_verificationreport",
)
LAST_NAMES = ("Núñez", "Patel", "Okafor", "Müller", "Nguyen", "García-López", "Kim", "Hassan")


@pytest.fixture(scope="module", autouse=True)
def _postgresql_only(django_db_setup):
    """Only PostgreSQL's plans matter here; skip (or fail in CI) anywhere else."""
    if connection.vendor != "postgresql":
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("REQUIRE_SERVICES=1 but the database is not PostgreSQL.")
        pytest.skip("EXPLAIN checks need PostgreSQL (set DATABASE_URL).")


@pytest.fixture
def volumes() -> dict[str, Any]:
    """Written inside the test's transaction: rolled back, not deleted, afterwards."""
    return _write_volumes()


def _write_volumes() -> dict[str, Any]:
    rng = random.Random(8)
    now = timezone.now()
    users, applicants, documents = Table(User), Table(Applicant), Table(Document)
    certificates, reports = Table(Certificate), Table(VerificationReport)
    for n in range(ROWS):
        users.add(email=f"explain{n}@load.example", password="!", is_active=True, date_joined=now)
    users.reserve_ids()
    bodies = rng.sample(range(1_000_000, 10_000_000), ROWS)
    for n, user in enumerate(users.rows):
        body = f"{bodies[n]:07d}"
        last_name = LAST_NAMES[n % len(LAST_NAMES)]
        applicants.add(
            user_id=user["id"],
            usmle_id=body + luhn_check_digit(body),
            usmle_id_issued_at=now,
            given_names="Ana",
            last_name=last_name,
            last_name_folded=fold_name(last_name),
            date_of_birth=datetime.date(1970 + n % 30, 1 + n % 12, 1 + n % 28),
            created_at=now,
            updated_at=now,
        )
    applicants.reserve_ids()
    statuses = ["verified"] * 90 + ["replaced"] * 5 + ["received"] * 3 + ["sent_for_verification"] * 2
    for n, applicant in enumerate(applicants.rows):
        documents.add(
            applicant_id=applicant["id"],
            kind="diploma",
            file="loadgen/sample-document.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
            status=statuses[n % len(statuses)],
            created_at=now - datetime.timedelta(minutes=n),
        )
    organization = Organization.objects.create(
        name="Explain board", kind=Organization.Kind.LICENSING_AUTHORITY
    )
    for n, applicant in enumerate(applicants.rows[: ROWS // 5]):
        certificates.add(
            applicant_id=applicant["id"],
            number=f"0-{n:07d}-0",
            verification_code=f"cert-{n:08d}-{rng.getrandbits(64):016x}",
            exam_requirements_met_on=now.date(),
            issued_on=now.date(),
            pdf="",
        )
        reports.add(
            id=uuid.UUID(int=rng.getrandbits(128)),
            verification_code=f"report-{n:08d}-{rng.getrandbits(64):016x}",
            organization_id=organization.pk,
            applicant_id=applicant["id"],
            payload={},
            generated_at=now,
        )
    sample = applicants.rows[ROWS // 6]
    codes = {
        "report_code": reports.rows[-1]["verification_code"],
        "certificate_code": certificates.rows[-1]["verification_code"],
    }
    for table in (users, applicants, documents, certificates, reports):
        table.flush()
    with connection.cursor() as cursor:
        for name in LARGE_TABLES:
            cursor.execute(f"ANALYZE {name}")
    return {
        "usmle_id": sample["usmle_id"],
        "last_name": sample["last_name"],
        "date_of_birth": sample["date_of_birth"],
        **codes,
    }


def _plan(sql: str, params: Any = None) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _plans_of(run: Callable[[], object]) -> list[str]:
    """EXPLAIN of every SELECT that ``run`` executes (PostgreSQL records them with values),
    including the prepared verification facts: ``EXPLAIN EXECUTE`` shows the plan the
    prepared statement runs with (its first use sends ``PREPARE …; EXECUTE …`` together)."""
    with CaptureQueriesContext(connection) as queries:
        run()
    selects = []
    for query in queries.captured_queries:
        sql = query["sql"].strip()
        if sql.upper().startswith("SELECT"):
            selects.append(sql)
        elif "EXECUTE " in sql.upper():
            selects.append(sql[sql.upper().index("EXECUTE ") :])
    assert selects, "nothing was queried"
    return [_plan(sql) for sql in selects]


def _identity_match(volumes: dict[str, Any]) -> None:
    found = verification_facts(
        usmle_id=volumes["usmle_id"],
        last_name=volumes["last_name"].upper(),
        date_of_birth=volumes["date_of_birth"],
    )
    assert found is not None


def _review_queue(status: str, *order: str) -> list[str]:
    queue = Document.objects.filter(status=status).select_related("applicant").order_by(*order)[:100]
    return [_plan(*queue.query.sql_with_params())]


def test_hot_lookups_use_indexes_at_100k_rows(volumes):
    # One test, one load of the volumes (loading is most of the time): every lookup is
    # checked and every offending plan reported together.
    lookups: dict[str, Callable[[], list[str]]] = {
        "USMLE ID": lambda: [
            _plan(*Applicant.objects.filter(usmle_id=volumes["usmle_id"]).query.sql_with_params())
        ],
        "identity match (USMLE ID + last name + birth date)": lambda: _plans_of(
            lambda: _identity_match(volumes)
        ),
        "report verification code": lambda: _plans_of(
            lambda: public_check_by_code(code=volumes["report_code"])
        ),
        "certificate verification code": lambda: _plans_of(
            lambda: public_check_by_code(code=volumes["certificate_code"])
        ),
        "review queue: received, oldest first": lambda: _review_queue(
            Document.Status.RECEIVED, "created_at", "pk"
        ),
        "review queue: received, newest first": lambda: _review_queue(
            Document.Status.RECEIVED, "-created_at", "-pk"
        ),
        "review queue: sent to schools, oldest first": lambda: _review_queue(
            Document.Status.SENT_FOR_VERIFICATION, "created_at", "pk"
        ),
        # The workbench home page counts every document queue and names its oldest item.
        "workbench: document queue counts": lambda: _plans_of(
            lambda: [q.stats() for q in queues_of_model(Document)]
        ),
    }
    failures = []
    for name, plans_of in lookups.items():
        for plan in plans_of():
            print(f"-- {name}\n{plan}\n")  # shown with -s: the plans themselves
            scanned = [table for table in LARGE_TABLES if f"Seq Scan on {table}" in plan]
            if scanned:
                failures.append(f"{name}: sequential scan of {', '.join(scanned)}\n{plan}")

    assert not failures, f"At {ROWS:,} rows:\n\n" + "\n\n".join(failures)
