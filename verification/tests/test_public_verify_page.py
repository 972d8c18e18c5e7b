"""/verify/<code>/ (R-VE-3: a report or certificate checked for authenticity by its code):
authentic or not, what it stated, revoked since; no login; rate limited."""

from __future__ import annotations

import datetime

import pytest

from .conftest import auth
from .factories import CertificateFactory

pytestmark = pytest.mark.django_db


def verify_report(api, key, applicant):
    body = {"usmle_id": applicant.usmle_id, "last_name": applicant.last_name, "date_of_birth": "1990-03-14"}
    return api.post("/api/v1/verifications/", body, format="json", **auth(key)).json()


def revoke(certificate, on=datetime.date(2026, 2, 1)):
    certificate.status = certificate.Status.REVOKED
    certificate.revoked_on = on
    certificate.save()


def test_a_report_code_shows_what_it_stated(client, api, board_key, nunez):
    report = verify_report(api, board_key, nunez)
    response = client.get(f"/verify/{report['verification_code']}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Authentic verification report" in page
    assert "Texas Medical Board" in page
    assert "Núñez" in page and nunez.usmle_id in page
    assert "Not certified" in page
    assert 'data-testid="revoked-since"' not in page
    assert response["X-Robots-Tag"] == "noindex"


def test_a_report_issued_before_a_revocation_says_it_was_revoked_since(client, api, board_key, nunez):
    certificate = CertificateFactory(applicant=nunez)
    report = verify_report(api, board_key, nunez)
    revoke(certificate)
    page = client.get(f"/verify/{report['verification_code']}/").content.decode()
    assert "stated when issued: certified" in page
    assert "ECFMG revoked this certificate on 1 February 2026" in page
    assert "Authentic" not in page


def test_a_certificate_code_shows_the_certificate_and_its_current_state(client, nunez):
    certificate = CertificateFactory(applicant=nunez, number="0-7654321-0")
    page = client.get(f"/verify/{certificate.verification_code}/").content.decode()
    assert "Authentic ECFMG certificate" in page and "0-7654321-0" in page
    assert "the certificate is valid today" in page
    revoke(certificate)
    page = client.get(f"/verify/{certificate.verification_code}/").content.decode()
    assert "ECFMG revoked this certificate on" in page and "valid today" not in page


def test_a_revoked_certificate_page_leads_with_revoked(client, nunez):
    """Issue 12 item 5: the first heading says REVOKED; no green "authentic" line."""
    certificate = CertificateFactory(applicant=nunez)
    revoke(certificate)
    page = client.get(f"/verify/{certificate.verification_code}/").content.decode()
    main = page[page.index("<main") :]
    assert main.index("<h1") == main.index('<h1 class="revoked-banner" data-testid="revoked">REVOKED</h1>')
    assert 'data-testid="authentic"' not in page and "state-ok" not in main
    status = main[main.index('data-testid="stated-status"') :][:300]
    assert "REVOKED on" in status and "Certification status: Certified" not in page


@pytest.mark.parametrize("code", ["unknown-code-000000000000000000", "x" * 65])
def test_an_unknown_code_is_404(client, code):
    response = client.get(f"/verify/{code}/")
    assert response.status_code == 404
    assert "Unknown verification code" in response.content.decode()


def test_the_page_is_rate_limited_per_address(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_key": "100/minute", "verify_page": "3/minute"},
    }
    for _ in range(3):
        assert client.get("/verify/guess-000000000000000000000000/").status_code == 404
    response = client.get("/verify/guess-000000000000000000000000/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many checks" in response.content.decode()
    # Another address is not held back.
    assert client.get("/verify/guess-0/", REMOTE_ADDR="10.0.0.9").status_code == 404


def test_query_counts_are_fixed(client, api, board_key, nunez, django_assert_num_queries):
    certificate = CertificateFactory(applicant=nunez)
    report = verify_report(api, board_key, nunez)
    with django_assert_num_queries(1):  # the report, with organization and certificate joined
        assert client.get(f"/verify/{report['verification_code']}/").status_code == 200
    with django_assert_num_queries(2):  # no report by that code, then the certificate
        assert client.get(f"/verify/{certificate.verification_code}/").status_code == 200


def test_the_diploma_state_is_read_in_the_pages_language_while_the_report_keeps_english(
    client, api, board_key, nunez
):
    report = verify_report(api, board_key, nunez)
    stated = report["medical_education"]["credential_status"]
    assert stated in ("Not yet submitted", "Received", "Verified", "Sent for verification")
    page = client.get(f"/verify/{report['verification_code']}/", HTTP_ACCEPT_LANGUAGE="pt").content.decode()
    portuguese = {
        "Not yet submitted": "Ainda não enviado",
        "Received": "Recebido",
        "Verified": "Verificado",
        "Sent for verification": "Enviado para verificação",
    }[stated]
    assert f"<dd>{portuguese}</dd>" in page
