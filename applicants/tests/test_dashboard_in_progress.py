"""The checklist says "In progress", not "Missing", while ECFMG or the school has the file."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from applicants.tests.factories import ApplicantFactory
from certificates.tests.factories import CertificateFactory
from credentials.models import Document
from credentials.tests.factories import DocumentFactory
from verification.services.keys import api_key_issue, organization_get_or_create
from verification.services.reports import verification_report_create


@pytest.mark.django_db
def test_a_diploma_at_the_school_shows_in_progress(client: Client) -> None:
    applicant = ApplicantFactory()
    DocumentFactory(applicant=applicant, status=Document.Status.SENT_FOR_VERIFICATION)
    client.force_login(applicant.user)
    page = client.get(reverse("dashboard")).content.decode()
    assert "In progress" in page
    # Step 1 is still the applicant's to do.
    assert "Missing" in page


@pytest.mark.django_db
def test_the_download_button_waits_for_the_rendered_pdf(client: Client) -> None:
    certificate = CertificateFactory(pdf="")
    client.force_login(certificate.applicant.user)
    page = client.get(reverse("dashboard")).content.decode()
    assert "being prepared" in page and "Download your certificate" not in page


@pytest.mark.django_db
def test_the_dashboard_names_who_checked_the_status(client: Client) -> None:
    applicant = ApplicantFactory()
    board, _ = organization_get_or_create(name="Texas Medical Board", kind="licensing_authority")
    key, _ = api_key_issue(organization=board)
    verification_report_create(
        api_key=key,
        usmle_id=applicant.usmle_id,
        last_name=applicant.last_name,
        date_of_birth=applicant.date_of_birth,
    )
    client.force_login(applicant.user)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Texas Medical Board" in page
