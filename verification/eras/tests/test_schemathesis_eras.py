"""Schemathesis over the ERAS endpoints against a live server: no 5xx, every answer as
the schema says, success paths included (the schema's examples name real rows)."""

from __future__ import annotations

import pytest

from applicants.tests.factories import ApplicantFactory
from verification.api.views import EXAMPLE_USMLE_ID
from verification.tests.test_schemathesis_live import run_schemathesis

from .conftest import key_of
from .factories import ProgramFactory


@pytest.mark.django_db(transaction=True)
def test_eras_endpoints_have_no_server_error_and_no_schema_violation(live_server, settings, tmp_path, feed):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_key": "100000/minute", "verify_page": "100000/minute"},
    }
    ApplicantFactory(usmle_id=EXAMPLE_USMLE_ID)
    program = ProgramFactory.create(acgme_program_id="1404121001")
    ProgramFactory.create(acgme_program_id="1404121002")
    token = {"feed": key_of(feed), "program": key_of(program)}
    runs = [
        run_schemathesis(
            live_server,
            token["feed"]["HTTP_AUTHORIZATION"].split()[1],
            r"^/api/v1/eras/applications/",
            tmp_path,
        ),
        run_schemathesis(
            live_server,
            token["program"]["HTTP_AUTHORIZATION"].split()[1],
            r"^/api/v1/eras/(reports|webhook)/",
            tmp_path,
        ),
    ]
    for result in runs:
        assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
