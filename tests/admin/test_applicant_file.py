"""The applicant's whole file: every part of the record on one staff page, staff notes
(audited), and links to it from every other staff page about the applicant."""

from __future__ import annotations

import pytest
from django.urls import reverse

from applicants.models import StaffNote
from ecfmg_portal.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_the_file_shows_every_part(staff_client, work):
    applicant = work.answered.applicant
    html = (
        staff_client("reviewer@ecfmg.test")
        .get(reverse("admin:applicants_applicant_change", args=[applicant.pk]))
        .content.decode()
    )
    for heading in (
        "Identity",
        "Checklist: who has the next move",
        "Documents and their history",
        "Exam applications and results",
        "Ledger: balance owed",
        "Certificate",
        "School verification",
        "Verification requests and ERAS reports",
        "E-mails sent to the applicant",
        "Staff notes",
        "Audit trail of this applicant",
    ):
        assert heading in html, heading
    assert "El-Sayed" in html and f"Request #{work.answered.pk}" in html
    assert "school_verification.requested" in html


def test_a_staff_note_is_added_and_audited(staff_client, work):
    applicant = work.diploma.applicant
    url = reverse("admin:applicants_applicant_change", args=[applicant.pk])
    client = staff_client("reviewer@ecfmg.test")
    assert client.post(url, {"text": "Called the school; registrar on leave."}).status_code == 302
    note = StaffNote.objects.get(applicant=applicant)
    assert note.author.email == "reviewer@ecfmg.test"
    assert "Called the school" in client.get(url).content.decode()
    entry = AuditEntry.objects.get(action="applicant.staff_note_added")
    assert "registrar" not in str(entry.after)
    assert client.post(url, {"text": "   "}).status_code == 200
    assert StaffNote.objects.count() == 1


def test_every_review_page_links_to_the_file(staff_client, work):
    client = staff_client("reviewer@ecfmg.test")
    officer = staff_client("certificates@ecfmg.test")
    for page, applicant in (
        (
            client.get(reverse("admin:credentials_document_change", args=[work.diploma.pk])),
            work.diploma.applicant,
        ),
        (
            client.get(reverse("admin:credentials_schoolanswerreview_change", args=[work.answered.pk])),
            work.answered.applicant,
        ),
        (
            client.get(reverse("admin:applicants_identitychangerequest_change", args=[work.correction.pk])),
            work.correction.applicant,
        ),
        (
            officer.get(reverse("admin:certificates_certificate_change", args=[work.certificate.pk])),
            work.certificate.applicant,
        ),
    ):
        assert reverse("admin:applicants_applicant_change", args=[applicant.pk]) in page.content.decode()
