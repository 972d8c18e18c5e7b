"""R-CE-3: staff reprint keeps number and dates; a certificate officer revokes with a
reason, and the revocation shows on the record, the PDF and to listeners."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.storage import default_storage

from applicants.tests.factories import UserFactory
from certificates.models import Certificate
from certificates.services import certificate_issue_if_eligible, certificate_reprint, certificate_revoke
from certificates.tests.factories import applicant_with
from ecfmg_portal.audit.models import AuditEntry
from ecfmg_portal.errors import Conflict, DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(fake_pdf, django_capture_on_commit_callbacks, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 25, 12, tzinfo=datetime.UTC))
    applicant = applicant_with()
    with django_capture_on_commit_callbacks(execute=True):
        issued = certificate_issue_if_eligible(applicant_id=applicant.pk)
    assert issued is not None
    issued.refresh_from_db()
    return issued


def test_reprint_keeps_number_code_and_dates_and_renders_again(
    certificate, officer, fake_pdf, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(datetime.datetime(2027, 2, 1, 9, tzinfo=datetime.UTC))
    before = Certificate.objects.get(pk=certificate.pk)
    with django_capture_on_commit_callbacks(execute=True):
        certificate_reprint(certificate=certificate, actor=officer)
    after = Certificate.objects.get(pk=certificate.pk)
    assert (after.number, after.verification_code, after.issued_on, after.exam_requirements_met_on) == (
        before.number,
        before.verification_code,
        datetime.date(2026, 11, 25),
        before.exam_requirements_met_on,
    )
    assert after.pdf.name != before.pdf.name
    assert after.pdf_rendered_at > before.pdf_rendered_at
    assert default_storage.exists(after.pdf.name)
    assert not default_storage.exists(before.pdf.name)  # the old file is removed
    assert len(fake_pdf) == 2
    assert fake_pdf[1].issued_on == datetime.date(2026, 11, 25)  # printed dates unchanged
    assert AuditEntry.objects.filter(action="certificate.reprinted", object_id=str(certificate.pk)).exists()


def test_an_officer_revokes_with_a_reason(
    certificate, officer, fake_pdf, monkeypatch, django_capture_on_commit_callbacks, time_machine
):
    heard: list[str] = []
    monkeypatch.setattr(
        "ecfmg_portal.events._status_handlers", [lambda applicant_id, cause: heard.append(cause)]
    )
    time_machine.move_to(datetime.datetime(2026, 12, 3, 9, tzinfo=datetime.UTC))
    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(certificate=certificate, reason="Irregular behavior finding", actor=officer)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.revoked_on == datetime.date(2026, 12, 3)
    assert certificate.revocation_reason == "Irregular behavior finding"
    assert certificate.revoked_by == officer
    assert heard == ["certificate.revoked"]  # ERAS reports and the API refresh
    assert fake_pdf[-1].revoked_on == datetime.date(2026, 12, 3)  # the PDF is re-rendered marked revoked
    entry = AuditEntry.objects.get(action="certificate.revoked")
    assert entry.actor_id == officer.pk and entry.after["reason"] == "Irregular behavior finding"
    # Still one certificate: evaluation never issues a new one after a revocation.
    assert certificate_issue_if_eligible(applicant_id=certificate.applicant_id).pk == certificate.pk


def test_revoking_needs_a_reason(certificate, officer):
    with pytest.raises(DomainError) as error:
        certificate_revoke(certificate=certificate, reason="   ", actor=officer)
    assert error.value.code == "reason_required"
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID


def test_only_a_certificate_officer_can_revoke_or_reprint(certificate):
    clerk = UserFactory(is_staff=True)
    with pytest.raises(DomainError) as error:
        certificate_revoke(certificate=certificate, reason="Finding", actor=clerk)
    assert error.value.code == "not_allowed"
    with pytest.raises(DomainError) as error:
        certificate_reprint(certificate=certificate, actor=clerk)
    assert error.value.code == "not_allowed"


def test_revoking_twice_is_a_conflict(certificate, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(certificate=certificate, reason="Finding", actor=officer)
    with pytest.raises(Conflict):
        certificate_revoke(certificate=certificate, reason="Again", actor=officer)
