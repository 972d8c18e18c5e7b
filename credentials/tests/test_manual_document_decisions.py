"""Staff decide documents by hand in the admin, but a diploma is verified only by its school."""

from __future__ import annotations

import pytest
from django.urls import reverse

from credentials.models import Document, DocumentEvent
from credentials.services.school_verification import (
    document_manual_decide,
    document_manual_decisions,
    school_verification_request,
)
from credentials.tests.school_support import diploma_for, staff_user, translation_for, verified_staff_client
from ecfmg_portal.errors import DomainError

pytestmark = pytest.mark.django_db


def test_a_received_diploma_can_be_rejected_but_not_verified_by_hand():
    diploma = diploma_for()
    assert document_manual_decisions(document=diploma) == [Document.Status.REJECTED]
    with pytest.raises(DomainError):
        document_manual_decide(document=diploma, to_status="verified", actor=staff_user(), reason="")
    diploma.refresh_from_db()
    assert diploma.status == Document.Status.RECEIVED


def test_a_diploma_at_its_school_is_decided_through_the_request_only():
    diploma = diploma_for()
    school_verification_request(document=diploma, actor=staff_user())
    diploma.refresh_from_db()
    assert document_manual_decisions(document=diploma) == []


def test_staff_reject_a_scan_in_the_admin_with_the_reason_recorded():
    diploma = diploma_for()
    reviewer = staff_user()
    client = verified_staff_client(reviewer)
    url = reverse("admin:credentials_document_decide", args=[diploma.pk])
    assert "Rejected" in client.get(url).content.decode()
    client.post(url, {"to_status": "rejected", "reason": ""})  # a rejection needs a reason
    diploma.refresh_from_db()
    assert diploma.status == Document.Status.RECEIVED
    response = client.post(
        url, {"to_status": "rejected", "reason": "The back page with signatures is missing."}
    )
    assert response.status_code == 302
    diploma.refresh_from_db()
    assert (diploma.status, diploma.status_reason) == (
        "rejected",
        "The back page with signatures is missing.",
    )
    assert DocumentEvent.objects.filter(document=diploma, to_status="rejected", actor=reviewer).exists()


def test_a_translation_can_be_verified_by_hand():
    translation = translation_for(diploma_for().applicant)
    client = verified_staff_client(staff_user())
    client.post(
        reverse("admin:credentials_document_decide", args=[translation.pk]), {"to_status": "verified"}
    )
    translation.refresh_from_db()
    assert translation.status == Document.Status.VERIFIED


def test_the_document_change_page_and_file_download_work_for_staff():
    diploma = diploma_for()
    client = verified_staff_client(staff_user())
    assert client.get(reverse("admin:credentials_document_change", args=[diploma.pk])).status_code == 200
    response = client.get(reverse("admin:credentials_document_file", args=[diploma.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
