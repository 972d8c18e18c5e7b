"""The API benchmark's floors, as a WSGI app of their own: Django with nothing added.

    gunicorn tests.bench.bare_app:application

No installed apps, no middleware, no ORM: what Django itself costs, and what the
verification API's database work costs done by hand. The benchmark serves it with the
same number of gunicorn workers as the portal and drives both with the same wrk script,
interleaved, so the portal is judged against floors measured in the same minute.

- ``POST /floor/`` and ``GET /floor/<id>/``: read the request, answer a small JSON
  object, touch no table. The framework's floor.
- ``POST /same-work/``: the work a verification must do, in raw SQL on one connection:
  the key by its hash, one SELECT of the applicant's status, one INSERT of report and
  request log. The limit the portal's API is measured against.
- ``GET /same-work/<id>/``: the key, then the stored report.

Reads the same database as the portal's benchmark (``BENCH_DATABASE_URL``).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import uuid
from typing import Any

import environ
from django.conf import settings

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ecfmg_bench")

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-floor-only",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        DATABASES={"default": {**environ.Env.db_url_config(DATABASE_URL), "CONN_MAX_AGE": 600}},
        USE_TZ=True,
    )

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpRequest, HttpResponse, JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402

KEY_SQL = (
    "SELECT k.id, k.organization_id FROM verification_apikey k "
    "JOIN verification_organization o ON o.id = k.organization_id "
    "WHERE k.key_hash = %s AND k.revoked_at IS NULL AND o.is_active"
)
STATUS_SQL = (
    "SELECT a.id, a.usmle_id, a.given_names, a.last_name, a.date_of_birth, c.number, c.status "
    "FROM applicants_applicant a LEFT JOIN certificates_certificate c ON c.applicant_id = a.id "
    "WHERE a.usmle_id = %s AND a.date_of_birth = %s"
)
INSERT_SQL = (
    "WITH report AS (INSERT INTO verification_verificationreport "
    "(id, verification_code, organization_id, applicant_id, payload, generated_at) "
    "VALUES (%s, %s, %s, %s, %s::jsonb, now())) "
    "INSERT INTO verification_verificationrequest (organization_id, api_key_id, requested_at, "
    "outcome, usmle_id, submission_digest, applicant_id, report_id) "
    "VALUES (%s, %s, now(), 'matched', %s, %s, %s, %s)"
)
REPORT_SQL = "SELECT payload FROM verification_verificationreport WHERE id = %s AND organization_id = %s"


def _key(request: HttpRequest) -> tuple[int, int] | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    raw = header.split(" ", 1)[1] if " " in header else ""
    with connection.cursor() as cursor:
        cursor.execute(KEY_SQL, [hashlib.sha256(raw.encode()).hexdigest()])
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def floor(request: HttpRequest, report_id: str = "") -> JsonResponse:
    size = len(request.body)
    return JsonResponse({"ok": True, "size": size}, status=201 if request.method == "POST" else 200)


def same_work(request: HttpRequest) -> HttpResponse:
    key = _key(request)
    if key is None:
        return JsonResponse({"code": "not_authenticated"}, status=401)
    body: dict[str, Any] = json.loads(request.body)
    with connection.cursor() as cursor:
        cursor.execute(STATUS_SQL, [body["usmle_id"], body["date_of_birth"]])
        row = cursor.fetchone()
        if row is None:
            return JsonResponse({"code": "not_found"}, status=404)
        report_id, code = uuid.uuid4(), secrets.token_urlsafe(24)
        payload = {
            "id": str(report_id),
            "usmle_id": row[1],
            "applicant": {"given_names": row[2], "last_name": row[3], "date_of_birth": str(row[4])},
            "certification": {"status": row[6] or "not_certified", "certificate_number": row[5]},
        }
        digest = hashlib.sha256(request.body).hexdigest()
        cursor.execute(
            INSERT_SQL,
            [
                report_id,
                code,
                key[1],
                row[0],
                json.dumps(payload),
                key[1],
                key[0],
                row[1],
                digest,
                row[0],
                report_id,
            ],
        )
    return JsonResponse(payload, status=201)


def same_work_read(request: HttpRequest, report_id: str) -> HttpResponse:
    key = _key(request)
    if key is None:
        return JsonResponse({"code": "not_authenticated"}, status=401)
    with connection.cursor() as cursor:
        cursor.execute(REPORT_SQL, [report_id, key[1]])
        row = cursor.fetchone()
    if row is None:
        return JsonResponse({"code": "not_found"}, status=404)
    payload = row[0] if isinstance(row[0], dict) else json.loads(row[0])
    return JsonResponse(payload)


def _csrf_free(view: Any) -> Any:
    # No middleware runs here, CSRF's included; the marker only documents it.
    view.csrf_exempt = True
    return view


urlpatterns = [
    path("floor/", _csrf_free(floor)),
    path("floor/<str:report_id>/", _csrf_free(floor)),
    path("same-work/", _csrf_free(same_work)),
    path("same-work/<str:report_id>/", _csrf_free(same_work_read)),
]

application = get_wsgi_application()
