"""GET a report (JSON and PDF): the organization that asked, and nobody else."""

from __future__ import annotations

import io
import uuid

import pytest
from pypdf import PdfReader
from rest_framework.renderers import JSONRenderer

from verification.models import Organization, VerificationReport
from verification.services.reports import NoFetching

from .conftest import auth
from .factories import issue_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(api, board_key, nunez):
    body = {"usmle_id": nunez.usmle_id, "last_name": "NUNEZ", "date_of_birth": "1990-03-14"}
    response = api.post("/api/v1/verifications/", body, format="json", **auth(board_key))
    assert response.status_code == 201
    return response.json()


def test_the_asking_organization_reads_the_same_report(api, board_key, report):
    response = api.get(f"/api/v1/verifications/{report['id']}/", **auth(board_key))
    assert response.status_code == 200
    assert response.json() == report


def test_the_read_is_byte_for_byte_what_the_orm_reading_rendered(api, board_key, report):
    """The JSON read takes the stored text straight from one SELECT; what it answers is the
    bytes and headers the general path (the model's payload through DRF) answered."""
    stored = VerificationReport.objects.get(pk=report["id"])
    response = api.get(f"/api/v1/verifications/{report['id']}/", **auth(board_key))

    assert response.content == JSONRenderer().render(stored.payload)
    assert "Núñez".encode() in response.content  # UTF-8, not \u escapes
    assert response["Content-Type"] == "application/json"
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    # Every other header is the one the report's first answer (a DRF Response) carried.
    first = api.post(
        "/api/v1/verifications/",
        {"usmle_id": report["usmle_id"], "last_name": "NUNEZ", "date_of_birth": "1990-03-14"},
        format="json",
        **auth(board_key),
    )
    assert {k: v for k, v in response.headers.items() if k not in ("Allow", "Content-Length")} == {
        k: v for k, v in first.headers.items() if k not in ("Allow", "Content-Length")
    }


def test_another_organization_gets_404_for_json_and_pdf(api, report):
    _, other_key = issue_key(name="Another Board", kind=Organization.Kind.LICENSING_AUTHORITY)
    for suffix in ("", "pdf/"):
        response = api.get(f"/api/v1/verifications/{report['id']}/{suffix}", **auth(other_key))
        assert response.status_code == 404
        assert response.json() == {"code": "not_found", "detail": "Not found."}
    # Byte for byte the answer for an id nobody has: "not yours" is never told apart.
    unknown = api.get(f"/api/v1/verifications/{uuid.uuid4()}/", **auth(other_key))
    mine = api.get(f"/api/v1/verifications/{report['id']}/", **auth(other_key))
    assert (mine.status_code, mine.content, dict(mine.headers)) == (
        unknown.status_code,
        unknown.content,
        dict(unknown.headers),
    )


@pytest.mark.parametrize("report_id", [str(uuid.uuid4()), "not-a-uuid", "1"])
def test_unknown_or_malformed_ids_are_404_json(api, board_key, report_id):
    response = api.get(f"/api/v1/verifications/{report_id}/", **auth(board_key))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_reading_needs_a_key_and_the_right(api, feed_key, report):
    assert api.get(f"/api/v1/verifications/{report['id']}/").status_code == 401
    assert api.get(f"/api/v1/verifications/{report['id']}/", **auth(feed_key)).status_code == 403


def test_the_pdf_carries_the_code_and_the_public_address(api, board_key, report, settings):
    settings.SITE_URL = "https://portal.example.org"
    response = api.get(f"/api/v1/verifications/{report['id']}/pdf/", **auth(board_key))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    flat = "".join(text.split())
    assert report["verification_code"] in flat
    assert f"https://portal.example.org/verify/{report['verification_code']}/" in flat
    assert "Núñez" in text
    assert "Not certified" in text


def test_the_pdf_renderer_fetches_nothing():
    with pytest.raises(ValueError, match="disabled"):
        NoFetching().fetch("file:///etc/passwd")
    with pytest.raises(ValueError, match="disabled"):
        NoFetching().fetch("http://169.254.169.254/latest/meta-data/")


def test_query_counts_are_fixed(api, board_key, report, django_assert_num_queries):
    url = f"/api/v1/verifications/{report['id']}/"
    # The key (with its organization) is this process's copy since the report was asked for.
    with django_assert_num_queries(1):  # the report
        assert api.get(url, **auth(board_key)).status_code == 200
    with django_assert_num_queries(1):  # the report
        assert api.get(url + "pdf/", **auth(board_key)).status_code == 200
