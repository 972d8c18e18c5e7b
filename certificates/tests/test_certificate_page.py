"""The applicant's certificate page: certified with dates and the download, revoked
with date and reason, or not yet."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applicants.tests.factories import ApplicantFactory
from certificates.models import Certificate
from certificates.tests.factories import CertificateFactory

pytestmark = pytest.mark.django_db


def test_it_shows_the_certificate_and_the_download(client, django_assert_max_num_queries):
    certificate = CertificateFactory(exam_requirements_met_on=datetime.date(2026, 1, 20))
    certificate.pdf.name = "certificates/x.pdf"
    certificate.pdf_rendered_at = timezone.now()
    certificate.save()
    client.force_login(certificate.applicant.user)
    # session, user, applicant (with its certificate), the journey's file (one statement).
    with django_assert_max_num_queries(4):
        response = client.get(reverse("certificate_detail"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Certified" in page
    assert certificate.number in page
    assert "20 January 2026" in page
    assert reverse("certificate_download", args=[certificate.pk]) in page


def test_it_shows_a_revocation_with_date_and_reason(client):
    certificate = CertificateFactory(
        status=Certificate.Status.REVOKED,
        revoked_on=datetime.date(2026, 11, 30),
        revocation_reason="Irregular behavior finding <b>2026-17</b>",
    )
    client.force_login(certificate.applicant.user)
    page = client.get(reverse("certificate_detail")).content.decode()
    assert "REVOKED on 30 November 2026" in page and "Standard ECFMG Certificate: REVOKED" in page
    assert "Irregular behavior finding &lt;b&gt;2026-17&lt;/b&gt;" in page
    assert "Certified<" not in page


def test_without_a_certificate_it_says_not_yet(client):
    applicant = ApplicantFactory()
    CertificateFactory()  # someone else's
    client.force_login(applicant.user)
    page = client.get(reverse("certificate_detail")).content.decode()
    assert "Not certified yet" in page
    assert "certificate_download" not in page and "/download/" not in page
