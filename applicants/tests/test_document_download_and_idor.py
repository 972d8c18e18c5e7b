from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from applicants.tests.portal_helpers import logged_in, make_graduate, pdf_upload
from credentials.services.documents import document_submit

pytestmark = pytest.mark.django_db


def _document(applicant):
    return document_submit(
        applicant=applicant, kind="diploma", upload=pdf_upload("My Diploma.pdf"), language="es"
    )


def test_the_owner_downloads_an_attachment_with_the_detected_type(client: Client) -> None:
    applicant = make_graduate()
    document = _document(applicant)
    response = logged_in(client, applicant).get(reverse("document_download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]


def test_another_applicant_gets_404(client: Client) -> None:
    owner, other = make_graduate(), make_graduate()
    document = _document(owner)
    response = logged_in(client, other).get(reverse("document_download", args=[document.pk]))
    assert response.status_code == 404


def test_another_applicants_pages_never_show_the_owners_documents(client: Client) -> None:
    owner, other = make_graduate(), make_graduate()
    document = _document(owner)
    logged_in(client, other)
    for name in ("documents", "dashboard"):
        body = client.get(reverse(name)).content.decode()
        assert reverse("document_download", args=[document.pk]) not in body
        assert "My_Diploma.pdf" not in body


def test_anonymous_visitors_are_sent_to_log_in(client: Client) -> None:
    document = _document(make_graduate())
    response = client.get(reverse("document_download", args=[document.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_download_runs_a_fixed_number_of_queries(client: Client, django_assert_num_queries) -> None:
    applicant = make_graduate()
    document = _document(applicant)
    logged_in(client, applicant)
    with django_assert_num_queries(4):  # session, user, applicant, document
        client.get(reverse("document_download", args=[document.pk]))
