"""Spot checks: each kind of state change leaves an entry in the hash chain."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from applicants.models import LedgerEntry
from applicants.services.identity import applicant_issue_usmle_id
from applicants.services.ledger import ledger_post
from applicants.tests.factories import ApplicantFactory
from credentials.models import Document
from credentials.services.documents import document_decide
from credentials.tests.factories import DocumentFactory
from ecfmg_portal.audit.models import AuditEntry
from ecfmg_portal.audit.services import audit_verify_chain
from exams.services import exam_result_record
from exams.tests.factories import applied_for, sitting_for

pytestmark = pytest.mark.django_db


def _entries(action: str, obj) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, object_id=str(obj.pk)))


def test_ledger_post_is_audited(make_staff):
    staff = make_staff()
    entry, _ = ledger_post(
        applicant=ApplicantFactory(),
        kind=LedgerEntry.Kind.PAYMENT,
        amount=Decimal("100.00"),
        description="Card payment",
        reference="test-ref-1",
        actor=staff,
    )
    [audit] = _entries("ledger.payment", entry)
    assert audit.actor_id == staff.pk
    assert audit.after["amount"] == "-100.00"


def test_exam_result_is_audited():
    applicant = ApplicantFactory()
    sitting_for(applicant, "STEP1", datetime.date(2025, 3, 3))
    result, _ = exam_result_record(
        applicant=applicant,
        exam="STEP1",
        test_date=datetime.date(2025, 3, 3),
        outcome="pass",
        score=231,
    )
    [audit] = _entries("exam_result.recorded", result)
    assert audit.after["outcome"] == "pass"
    assert "score" not in audit.after  # scores stay out of the trail


def test_document_decision_is_audited(make_staff):
    staff = make_staff()
    document = DocumentFactory()
    applied_for(document.applicant)  # processed from the first exam application (R-ED-3)
    document_decide(
        document=document, to_status=Document.Status.REJECTED, actor=staff, reason="Unreadable scan"
    )
    [audit] = _entries("document.status", document)
    assert audit.before == {"status": "received"}
    assert audit.after == {"status": "rejected"}
    assert audit.actor_id == staff.pk


def test_usmle_id_issue_is_audited():
    applicant = ApplicantFactory(usmle_id=None, usmle_id_issued_at=None)
    number = applicant_issue_usmle_id(applicant=applicant)
    [audit] = _entries("usmle_id.issued", applicant)
    assert audit.after == {"usmle_id": number}
    assert audit_verify_chain() == []


def test_the_trail_names_actors_by_id_not_by_e_mail(make_staff):
    staff = make_staff("reviewer.person@ecfmg.test")
    applicant = ApplicantFactory()
    ledger_post(
        applicant=applicant,
        kind=LedgerEntry.Kind.CHARGE,
        amount=Decimal("5.00"),
        description="Fee",
        actor=staff,
    )
    applicant_issue_usmle_id(applicant=ApplicantFactory(usmle_id=None, usmle_id_issued_at=None))
    labels = set(AuditEntry.objects.values_list("actor_label", flat=True))
    assert f"staff #{staff.pk}" in labels
    assert not any("@" in label for label in labels)
