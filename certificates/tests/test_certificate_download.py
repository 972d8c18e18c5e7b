"""R-CE-3: the applicant downloads their own certificate behind login; nobody else's."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from applicants.tests.factories import ApplicantFactory
from certificates.tests.factories import CertificateFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\nthe certificate\n%%EOF\n"


def rendered_certificate():
    certificate = CertificateFactory()
    certificate.pdf.name = default_storage.save("certificates/test.pdf", ContentFile(PDF))
    certificate.pdf_rendered_at = timezone.now()
    certificate.save()
    return certificate


def test_the_applicant_downloads_their_certificate(client, django_assert_num_queries):
    certificate = rendered_certificate()
    client.force_login(certificate.applicant.user)
    url = reverse("certificate_download", args=[certificate.pk])
    # session, user, certificate (with its applicant)
    with django_assert_num_queries(3):
        response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="ECFMG-certificate-{certificate.number}.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_another_applicant_gets_not_found(client):
    certificate = rendered_certificate()
    other = ApplicantFactory()
    CertificateFactory(applicant=other)
    client.force_login(other.user)
    response = client.get(reverse("certificate_download", args=[certificate.pk]))
    assert response.status_code == 404


def test_staff_without_a_certificate_get_not_found_too(client):
    certificate = rendered_certificate()
    staff = ApplicantFactory().user
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get(reverse("certificate_download", args=[certificate.pk])).status_code == 404


def test_login_is_required(client):
    certificate = rendered_certificate()
    response = client.get(reverse("certificate_download", args=[certificate.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_not_yet_rendered_is_not_found(client):
    certificate = CertificateFactory()
    client.force_login(certificate.applicant.user)
    assert client.get(reverse("certificate_download", args=[certificate.pk])).status_code == 404


def test_post_is_refused(client):
    certificate = rendered_certificate()
    client.force_login(certificate.applicant.user)
    assert client.post(reverse("certificate_download", args=[certificate.pk])).status_code == 405
