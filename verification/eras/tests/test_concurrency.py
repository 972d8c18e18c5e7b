"""On PostgreSQL, concurrent intakes and refreshes of one applicant neither fail nor
write a version twice: the applicant row lock serialises them."""

from __future__ import annotations

import datetime
import os
import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection

from exams.models import ExamResult
from verification.eras import services
from verification.eras.models import ResidencyApplication, StatusReport

from .conftest import apply

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _need_postgres() -> None:
    if connection.vendor != "postgresql":
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("REQUIRE_SERVICES=1 but the database is not PostgreSQL")
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture(autouse=True)
def _slow_snapshots(monkeypatch):
    """Widen the window between reading the latest version and inserting the next."""
    real = services.status_payloads

    def slow(applicant_ids):
        time.sleep(0.3)
        return real(applicant_ids)

    monkeypatch.setattr(services, "status_payloads", slow)


def twice_at_once(work: Callable[[], object]) -> list[BaseException]:
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            work()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def test_two_concurrent_intakes_record_one_application_and_one_report(feed, person, program):
    assert twice_at_once(lambda: apply(feed, person, program)) == []
    assert ResidencyApplication.objects.count() == 1
    assert StatusReport.objects.count() == 1


def test_two_concurrent_refreshes_write_version_2_once(feed, person, program):
    apply(feed, person, program)
    ExamResult.objects.create(
        applicant=person, exam="STEP1", test_date=datetime.date(2025, 6, 1), outcome="pass"
    )

    def refresh() -> object:
        return services.status_reports_refresh(applicant_ids=[person.pk], cause="exam_result.pass")

    assert twice_at_once(refresh) == []
    assert list(StatusReport.objects.order_by("version").values_list("version", flat=True)) == [1, 2]
