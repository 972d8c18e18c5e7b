"""Issue 11, section 2 (last bullet): SQLite's "database is locked" under concurrent
issuers is retried, bounded, so the embedded default behaves like PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection

from certificates import services as certificate_services
from ecfmg_portal import db_retry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_pauses(monkeypatch):
    monkeypatch.setattr(db_retry.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(
        db_retry, "connection", type("C", (), {"vendor": "sqlite", "in_atomic_block": False})()
    )


def _locked_then(value: object, failures: int) -> tuple[object, dict[str, int]]:
    calls = {"n": 0}

    @db_retry.retry_when_locked
    def work() -> object:
        calls["n"] += 1
        if calls["n"] <= failures:
            raise OperationalError("database is locked")
        return value

    return work, calls


def test_a_locked_database_is_retried_until_the_writer_is_done():
    work, calls = _locked_then("issued", failures=3)
    assert work() == "issued"
    assert calls["n"] == 4


def test_the_retry_is_bounded():
    work, calls = _locked_then("issued", failures=100)
    with pytest.raises(OperationalError, match="locked"):
        work()
    assert calls["n"] == db_retry.ATTEMPTS


def test_other_database_errors_are_not_retried():
    calls = {"n": 0}

    @db_retry.retry_when_locked
    def work() -> None:
        calls["n"] += 1
        raise OperationalError("no such table: x")

    with pytest.raises(OperationalError):
        work()
    assert calls["n"] == 1


def test_the_issuing_service_retries_a_locked_database(monkeypatch):
    from applicants.tests.factories import ApplicantFactory

    applicant = ApplicantFactory()
    real = certificate_services.Applicant.objects.select_for_update
    calls = {"n": 0}

    def locked_once():
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("database is locked")
        return real()

    monkeypatch.setattr(certificate_services.Applicant.objects, "select_for_update", locked_once)
    # Not eligible (nothing passed): None, but reached after the retry instead of an error.
    assert certificate_services.certificate_issue_if_eligible(applicant_id=applicant.pk) is None
    assert calls["n"] == 2
    assert connection.vendor in ("sqlite", "postgresql")
