"""R-CE-1: one certificate per applicant, whatever the number of triggers, deliveries
and concurrent workers; numbers are drawn once each."""

from __future__ import annotations

import os
import re
import threading
import time

import pytest
from django.db import IntegrityError, connection, transaction

from certificates import services
from certificates.models import Certificate, CertificateCounter
from certificates.services import certificate_issue_if_eligible, certificate_number_is_valid
from certificates.tasks import evaluate_certification, on_applicant_status_changed
from certificates.tests.factories import CertificateFactory, applicant_with
from ecfmg_portal.audit.models import AuditEntry
from ecfmg_portal.events import applicant_status_changed


@pytest.mark.django_db
def test_a_second_call_returns_the_first_certificate(fake_pdf, django_capture_on_commit_callbacks):
    applicant = applicant_with()
    with django_capture_on_commit_callbacks(execute=True):
        first = certificate_issue_if_eligible(applicant_id=applicant.pk)
    with django_capture_on_commit_callbacks(execute=True):
        second = certificate_issue_if_eligible(applicant_id=applicant.pk)
    assert first is not None and second is not None
    assert first.pk == second.pk
    assert CertificateCounter.objects.get().last_value == 1
    assert AuditEntry.objects.filter(action="certificate.issued").count() == 1
    assert certificate_number_is_valid(first.number)
    assert len(fake_pdf) == 1


@pytest.mark.django_db
def test_duplicate_task_delivery_makes_one_certificate_and_one_email(
    fake_pdf, mailoutbox, django_capture_on_commit_callbacks
):
    applicant = applicant_with()
    with django_capture_on_commit_callbacks(execute=True):
        evaluate_certification.apply(args=[applicant.pk])
        evaluate_certification.apply(args=[applicant.pk])
    with django_capture_on_commit_callbacks(execute=True):
        evaluate_certification.apply(args=[applicant.pk])
    assert Certificate.objects.filter(applicant=applicant).count() == 1
    assert CertificateCounter.objects.get().last_value == 1
    assert len(mailoutbox) == 1
    assert len(fake_pdf) == 1


@pytest.mark.django_db
def test_issuing_announces_the_change_without_re_evaluating(
    fake_pdf, monkeypatch, django_capture_on_commit_callbacks
):
    heard: list[str] = []
    queued: list[int] = []
    monkeypatch.setattr(
        "ecfmg_portal.events._status_handlers", [lambda applicant_id, cause: heard.append(cause)]
    )
    monkeypatch.setattr(evaluate_certification, "delay", lambda applicant_id: queued.append(applicant_id))
    applicant = applicant_with()
    with django_capture_on_commit_callbacks(execute=True):
        certificate_issue_if_eligible(applicant_id=applicant.pk)
    # ERAS and others listen for it...
    assert heard == ["certificate.issued"]
    # ...and this app's own handler ignores its own announcement (no loop).
    on_applicant_status_changed(applicant.pk, "certificate.issued")
    on_applicant_status_changed(applicant.pk, "certificate.revoked")
    assert queued == []
    on_applicant_status_changed(applicant.pk, "ledger.payment")
    assert queued == [applicant.pk]


@pytest.mark.django_db
def test_the_status_event_queues_an_evaluation(fake_pdf, django_capture_on_commit_callbacks):
    applicant = applicant_with()
    with django_capture_on_commit_callbacks(execute=True):
        applicant_status_changed(applicant_id=applicant.pk, cause="exam_result.pass")
    assert Certificate.objects.filter(applicant=applicant).exists()


@pytest.mark.django_db
def test_the_database_refuses_a_second_certificate_for_an_applicant():
    existing = CertificateFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CertificateFactory(applicant=existing.applicant)


@pytest.mark.django_db
def test_numbers_are_sequential_looking_checked_and_unrelated_to_the_applicant(
    fake_pdf, django_capture_on_commit_callbacks
):
    numbers = []
    for _ in range(3):
        applicant = applicant_with()
        with django_capture_on_commit_callbacks(execute=True):
            certificate = certificate_issue_if_eligible(applicant_id=applicant.pk)
        assert certificate is not None
        numbers.append(certificate.number)
        assert applicant.usmle_id not in certificate.number.replace("-", "")
    assert all(re.fullmatch(r"\d-\d{3}-\d{3}-\d", n) for n in numbers)
    assert all(certificate_number_is_valid(n) for n in numbers)
    bodies = [int(n.replace("-", "")[:-1]) for n in numbers]
    assert bodies == [bodies[0], bodies[0] + 1, bodies[0] + 2]
    # One mistyped digit is caught by the check digit.
    assert not certificate_number_is_valid(
        numbers[0][:-3] + str((int(numbers[0][-3]) + 1) % 10) + numbers[0][-2:]
    )


def _need_postgres() -> None:
    if connection.vendor != "postgresql":
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("REQUIRE_SERVICES=1 but the database is not PostgreSQL")
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_triggers_make_one_certificate(fake_pdf, monkeypatch):
    _need_postgres()
    applicant = applicant_with()
    real_facts = services.applicant_facts
    barrier = threading.Barrier(2)

    def slow_facts(**kwargs):
        # Widen the window between "no certificate yet" and the insert.
        time.sleep(0.3)
        return real_facts(**kwargs)

    monkeypatch.setattr(services, "applicant_facts", slow_facts)
    real_next_number = services._next_certificate_number
    draws: list[str] = []

    def counted_next_number() -> str:
        number = real_next_number()
        draws.append(number)
        return number

    monkeypatch.setattr(services, "_next_certificate_number", counted_next_number)
    results: list[int | None] = []
    errors: list[BaseException] = []

    def trigger() -> None:
        try:
            barrier.wait(timeout=10)
            certificate = certificate_issue_if_eligible(applicant_id=applicant.pk)
            results.append(certificate.pk if certificate else None)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=trigger) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(results) == 2 and results[0] == results[1] is not None
    assert Certificate.objects.filter(applicant=applicant).count() == 1
    assert CertificateCounter.objects.get().last_value == 1
    # The row lock decided, not only the constraint: the second caller waited, found the
    # certificate and never drew a number (without the lock it would reach the insert).
    assert len(draws) == 1
