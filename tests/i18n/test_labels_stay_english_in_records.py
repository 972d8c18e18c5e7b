"""Choice labels are lazy so pages name kinds, states, outcomes and ledger entries in the
reader's language; a legal record (the verification report) still writes them in English,
as plain strings that json.dumps accepts (issue 16, docs/i18n.md)."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
from django.utils import timezone, translation

from applicants.models import LedgerEntry
from applicants.tests.factories import ApplicantFactory
from credentials.models import Document
from credentials.tests.factories import DocumentFactory
from exams.models import ExamResult
from verification.facts import verification_facts
from verification.selectors import verification_report_payload

pytestmark = pytest.mark.django_db


def test_a_verification_report_built_under_arabic_states_the_diploma_in_plain_english():
    applicant = ApplicantFactory(last_name="Núñez", date_of_birth=datetime.date(1990, 3, 14))
    DocumentFactory(applicant=applicant, status=Document.Status.SENT_FOR_VERIFICATION)
    with translation.override("ar"):
        facts = verification_facts(
            usmle_id=applicant.usmle_id, last_name="Núñez", date_of_birth=applicant.date_of_birth
        )
        assert facts is not None
        payload = verification_report_payload(
            facts=facts, report_id=uuid.uuid4(), verification_code="code", generated_at=timezone.now()
        )
        status = payload["medical_education"]["credential_status"]
        assert type(status) is str
        assert status == "Sent for verification"
        assert json.loads(json.dumps(payload))["medical_education"]["credential_status"] == status
        # The page, meanwhile, names the same state in Arabic.
        assert str(Document.Status.SENT_FOR_VERIFICATION.label) == "أُرسلت للتحقق"


def test_choice_labels_follow_the_active_language_and_keep_their_english():
    with translation.override("es"):
        assert str(Document.Kind.DIPLOMA.label) == "Diploma final de medicina"
        assert str(ExamResult.Outcome.FAIL.label) == "No aprobado"
        assert str(LedgerEntry.Kind.REFUND.label) == "Reembolso"
    with translation.override("en"):
        assert str(Document.Kind.DIPLOMA.label) == "Final medical diploma"
        assert str(ExamResult.Outcome.FAIL.label) == "Fail"
        assert str(LedgerEntry.Kind.REFUND.label) == "Refund"
        assert Document.status_in_english(Document.Status.UNABLE_TO_VERIFY) == "Unable to verify"
