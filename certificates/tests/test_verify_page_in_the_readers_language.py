"""The public page that checks a certificate file speaks its reader's language; the API
and the command, which share the verifier, keep giving the same outcome in English
(issue 16; R-VE-4)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.html import escape

from certificates.services import certificate_revoke
from certificates.tests.test_verifiable_certificate import pdf_bytes
from ecfmg_portal.formatting import format_day

pytestmark = pytest.mark.django_db

PAGE = "/credentials/verify/"


def _check_on_the_page(client, data: bytes, language: str) -> str:
    upload = SimpleUploadedFile("certificate.pdf", data, content_type="application/pdf")
    response = client.post(PAGE, {"file": upload}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_a_spanish_reader_reads_the_verdict_and_every_check_in_spanish(client, certificate):
    page = _check_on_the_page(client, pdf_bytes(certificate), "es")
    assert 'data-verdict="valid"' in page
    assert escape("Válido: es un Standard ECFMG Certificate auténtico") in page
    assert "Firma del PDF: Firmado por" in page
    assert "Estado de revocación: No revocado según la lista de estado pública" in page
    assert "Valid: this is a genuine" not in page and "Signed by" not in page


def test_the_api_gives_the_same_checks_in_english_whatever_the_reader_asks_for(client, certificate):
    response = client.post(
        "/api/v1/credentials/verify",
        pdf_bytes(certificate),
        content_type="application/pdf",
        HTTP_ACCEPT_LANGUAGE="es",
    )
    body = response.json()
    assert body["summary"].startswith("Valid: this is a genuine Standard ECFMG Certificate")
    by_name = {c["check"]: c["detail"] for c in body["checks"]}
    assert by_name["PDF signature"].startswith("Signed by ")
    assert by_name["status"].startswith("Not revoked in ECFMG's public status list ")


def test_an_arabic_reader_reads_the_revocation_and_its_date_in_arabic(
    client, certificate, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(certificate=certificate, reason="Irregular behavior finding", actor=officer)
    certificate.refresh_from_db()
    page = _check_on_the_page(client, pdf_bytes(certificate), "ar")
    with translation.override("ar"):
        day = format_day(certificate.revoked_on)
    assert 'data-verdict="revoked"' in page
    # The date is isolated (FSI … PDI) so that it reads in order inside Arabic.
    assert f"ملغاة: أصدرت ECFMG هذه الشهادة ثم ألغتها في \u2068{day}\u2069." in page
    with translation.override("en"):
        english_day = format_day(certificate.revoked_on)
    api = client.post("/api/v1/credentials/verify", certificate.credential, content_type="application/json")
    assert f"revoked it on {english_day}." in api.json()["summary"]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Choisissez le PDF du certificat ou le fichier d&#x27;attestation à vérifier."),
        ("ru", "Выберите PDF сертификата или файл удостоверения для проверки."),
    ],
)
def test_no_file_is_refused_in_the_readers_language(client, language, expected):
    response = client.post(PAGE, {}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert expected in response.content.decode()


def test_a_file_that_is_no_certificate_is_named_so_in_chinese(client):
    page = _check_on_the_page(client, b'{"hello": "world"}', "zh-hans")
    assert 'data-verdict="not_a_certificate"' in page
    assert "不是证书：此文件既不是 Standard ECFMG Certificate，也不是其凭证。" in page  # noqa: RUF001
    assert "凭证: 这不是 ECFMG 证书凭证。" in page
