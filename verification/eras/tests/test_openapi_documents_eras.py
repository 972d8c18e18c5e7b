"""The OpenAPI schema documents every ERAS endpoint with all its answers and the key."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

AUTH = {"401", "403", "429"}
BODY = {"400", "413", "415"}
EXPECTED = {
    ("/api/v1/eras/applications/", "post"): {"200", "201"} | BODY | AUTH,
    ("/api/v1/eras/reports/", "get"): {"200", "400", "404"} | AUTH,
    ("/api/v1/eras/reports/{report_id}/", "get"): {"200", "404"} | AUTH,
    ("/api/v1/eras/webhook/", "get"): {"200"} | AUTH,
    ("/api/v1/eras/webhook/", "put"): {"200"} | BODY | AUTH,
    ("/api/v1/eras/webhook/", "delete"): {"204"} | AUTH,
}


@pytest.fixture(scope="module")
def schema():
    generated = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(generated)
    return generated


def test_every_eras_operation_documents_its_answers_and_the_key(schema):
    for (path, method), codes in EXPECTED.items():
        operation = schema["paths"][path][method]
        assert set(operation["responses"]) == codes, (path, method)
        assert operation["security"] == [{"ApiKey": []}]
        assert operation["tags"] == ["ERAS status reports"]
        assert "Retry-After" in operation["responses"]["429"]["headers"]


def test_the_report_schema_lists_no_score(schema):
    report = schema["components"]["schemas"]["StatusReport"]
    assert set(report["required"]) >= {"id", "version", "usmle_id", "certification", "exams"}
    assert set(schema["components"]["schemas"]["ReportExam"]["properties"]) == {"exam", "passed", "passed_on"}
