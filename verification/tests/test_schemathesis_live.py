"""Schemathesis against a live server: no 5xx, and every answer as the schema says.

Runs in ``make test`` and CI (no marker skips it). Bounded and deterministic: a
fixed seed and a fixed number of examples per operation. The schema's request
examples name a real applicant created here, so the success paths (201, 200
replay, report reads) are exercised too, not only the errors.
"""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path

import pytest

from applicants.tests.factories import ApplicantFactory
from verification.api.views import EXAMPLE_USMLE_ID
from verification.models import Organization

from .factories import issue_key

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
    ]
)


def run_schemathesis(
    live_server, key: str, path_regex: str, tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own venv binary, fixed arguments
        [
            str(SCHEMATHESIS),
            "run",
            f"{live_server.url}/api/schema/",
            "--checks",
            CHECKS,
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            "15",
            "--seed",
            "20261125",
            "--workers",
            "1",
            "--no-shrink",
            "--suppress-health-check",
            "all",
            "--request-timeout",
            "30",
            "--include-path-regex",
            path_regex,
            "--header",
            f"Authorization: Token {key}",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
        cwd=tmp_path,
    )


@pytest.mark.django_db(transaction=True)
def test_no_server_error_and_no_schema_violation(live_server, settings, tmp_path):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_key": "100000/minute", "verify_page": "100000/minute"},
    }
    ApplicantFactory(
        usmle_id=EXAMPLE_USMLE_ID,
        last_name="Núñez",
        date_of_birth=datetime.date(1990, 3, 14),
        graduation_date=datetime.date(2015, 6, 30),
    )
    _, board_key = issue_key(name="Schemathesis Board", kind=Organization.Kind.LICENSING_AUTHORITY)
    _, feed_key = issue_key(name="Schemathesis Feed", kind=Organization.Kind.RESULTS_FEED)
    runs = [
        run_schemathesis(live_server, board_key, r"^/api/v1/verifications/", tmp_path),
        run_schemathesis(live_server, feed_key, r"^/api/v1/exam-results/", tmp_path),
    ]
    for result in runs:
        assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
