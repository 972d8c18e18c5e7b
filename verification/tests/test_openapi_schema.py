"""The OpenAPI schema describes every endpoint of api.md, errors included, and the
docs page runs under the Content-Security-Policy (no CDN, no inline script)."""

from __future__ import annotations

import re

import pytest
import yaml
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from verification.api.serializers import VerificationReportSerializer

from .conftest import auth

pytestmark = pytest.mark.django_db

# api.md's conventions, per endpoint.
EXPECTED = {
    ("/api/v1/exam-results/", "post"): {"200", "201", "400", "401", "403", "409", "413", "415", "422", "429"},
    ("/api/v1/verifications/", "post"): {"201", "400", "401", "403", "404", "413", "415", "429"},
    ("/api/v1/verifications/{report_id}/", "get"): {"200", "401", "403", "404", "429"},
    ("/api/v1/verifications/{report_id}/pdf/", "get"): {"200", "401", "403", "404", "429"},
}


@pytest.fixture(scope="module")
def schema():
    generated = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(generated)  # a valid OpenAPI 3 document
    return generated


def test_every_endpoint_documents_every_status_of_api_md(schema):
    for (path, method), codes in EXPECTED.items():
        operation = schema["paths"][path][method]
        assert set(operation["responses"]) == codes, (path, method)
        assert operation["security"] == [{"ApiKey": []}]
        assert operation["responses"]["401"]["headers"]["WWW-Authenticate"]["required"] is True
        assert operation["responses"]["429"]["headers"]["Retry-After"]["required"] is True
    assert schema["components"]["securitySchemes"]["ApiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "`Token <key>`. Keys are issued by ECFMG staff and shown once.",
    }


def test_served_schema_is_the_generated_one(client, schema):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert yaml.safe_load(response.content)["paths"].keys() == schema["paths"].keys()


def test_docs_page_loads_only_local_scripts_and_no_inline_code(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith("/") for s in sources), sources
    assert "<style" not in page
    assert re.search(r"<script>\s*\S", page) is None  # no inline script body
    assert client.get("/api/docs/?script=").status_code == 200


def test_the_report_body_is_exactly_the_documented_shape(api, board_key, nunez):
    """Drift guard: the stored payload has exactly the serializer's fields, at every level."""
    body = {"usmle_id": nunez.usmle_id, "last_name": "Núñez", "date_of_birth": "1990-03-14"}
    payload = api.post("/api/v1/verifications/", body, format="json", **auth(board_key)).json()

    def keys(serializer) -> dict:
        fields = getattr(serializer, "child", serializer).fields
        return {
            name: keys(f) if hasattr(getattr(f, "child", f), "fields") else None for name, f in fields.items()
        }

    def shape(value) -> dict | None:
        if isinstance(value, list):
            return shape(value[0])
        if isinstance(value, dict):
            return {k: shape(v) for k, v in value.items()}
        return None

    documented = keys(VerificationReportSerializer())
    assert shape(payload) == documented
    validated = VerificationReportSerializer(data=payload)
    assert validated.is_valid(), validated.errors


def test_unknown_api_addresses_answer_json_404(api):
    response = api.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Not found."}
