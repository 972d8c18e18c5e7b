"""Server time and query count of the applicant dashboard and the staff changelists.

In-process with Django's test Client (no network, no browser): the time is the
server's own, from middleware to rendered template, median of ``REPEAT`` requests
after one warm-up request.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.test import Client
from django.urls import NoReverseMatch, reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from applicants.models import Applicant, User
from certificates.models import Certificate
from credentials.models import Document
from exams.models import ExamApplication

from .common import BenchResult, QueryCounter, median_ms, profile_top

# Targets (issue 14): the dashboard < 15 ms in <= 10 queries, staff lists < 50 ms at 100k.
DASHBOARD_TARGET_MS = 15.0
DASHBOARD_MAX_QUERIES = 10
CHANGELIST_TARGET_MS = 50.0
REPEAT = 15
STAFF_EMAIL = "bench-staff@load.example"


def staff_client() -> Client:
    """A superuser signed in AND verified by a TOTP device, as django_otp.login() leaves the session."""
    staff, _ = User.objects.get_or_create(
        email=STAFF_EMAIL, defaults={"is_staff": True, "is_superuser": True, "is_active": True}
    )
    device, _ = TOTPDevice.objects.get_or_create(user=staff, name="bench", defaults={"confirmed": True})
    client = Client()
    client.force_login(staff)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _measure(client: Client, url: str) -> tuple[float, int, Callable[[], object]]:
    def get() -> object:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    get()  # warm: templates compiled, connection open
    with QueryCounter() as queries:
        get()
    samples = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        get()
        samples.append(time.perf_counter() - started)
    return median_ms(samples), queries.count, get


def _applicant_pages() -> list[tuple[str, Applicant]]:
    picks: list[tuple[str, Applicant | None]] = [
        ("certified", Applicant.objects.filter(certificate__status=Certificate.Status.VALID).first()),
        (
            "exams applied, documents in review",
            Applicant.objects.filter(certificate__isnull=True, documents__status=Document.Status.RECEIVED)
            .filter(pk__in=ExamApplication.objects.values("applicant_id"))
            .first(),
        ),
        ("just registered", Applicant.objects.filter(usmle_id__isnull=True).first()),
    ]
    return [(label, applicant) for label, applicant in picks if applicant is not None]


CHANGELISTS = (
    ("applicants", "admin:applicants_applicant_changelist", ""),
    ("applicants: search by USMLE ID", "admin:applicants_applicant_changelist", "?q={usmle_id}"),
    # Unfiltered, the documents list opens on the review queue (a redirect): the other
    # large state is "verified".
    ("documents: verified", "admin:credentials_document_changelist", "?status__exact=verified"),
    (
        "documents: review queue (received)",
        "admin:credentials_document_changelist",
        "?status__exact=received",
    ),
    ("ledger entries", "admin:applicants_ledgerentry_changelist", ""),
    ("exam applications", "admin:exams_examapplication_changelist", ""),
    ("exam results", "admin:exams_examresult_changelist", ""),
    ("certificates", "admin:certificates_certificate_changelist", ""),
    ("verification requests", "admin:verification_verificationrequest_changelist", ""),
    ("ERAS residency applications", "admin:eras_residencyapplication_changelist", ""),
    ("ERAS webhook deliveries", "admin:eras_webhookdelivery_changelist", ""),
)


def _floor_ms() -> float:
    """The same-run floor: ``tests/bench/floor_urls.py``'s view, no template, no table."""
    client = Client()
    client.post("/bench/floor/", data="{}", content_type="application/json")
    samples = []
    for _ in range(REPEAT * 4):
        started = time.perf_counter()
        client.post("/bench/floor/", data="{}", content_type="application/json")
        samples.append(time.perf_counter() - started)
    return median_ms(samples)


def bench_pages() -> BenchResult:
    result = BenchResult("pages", "Applicant dashboard and staff changelists")
    floor_ms = _floor_ms()
    result.add("floor: a bare JSON view through the same middleware and test Client", f"{floor_ms:.2f} ms")
    slowest: tuple[float, Callable[[], object] | None, str] = (0.0, None, "")
    counts: dict[str, int] = {}
    for label, applicant in _applicant_pages():
        client = Client()
        client.force_login(applicant.user)
        ms, queries, get = _measure(client, reverse("dashboard"))
        counts[label] = queries
        result.add(
            f"dashboard ({label}): median server time",
            f"{ms:.1f} ms",
            f"< {DASHBOARD_TARGET_MS:.0f} ms",
            ms < DASHBOARD_TARGET_MS,
        )
        result.add(
            f"dashboard ({label}): queries",
            str(queries),
            f"<= {DASHBOARD_MAX_QUERIES}",
            queries <= DASHBOARD_MAX_QUERIES,
        )
        if ms > slowest[0]:
            slowest = (ms, get, f"dashboard ({label})")
    staff = staff_client()
    usmle_id = (
        Applicant.objects.exclude(usmle_id=None).order_by("-pk").values_list("usmle_id", flat=True).first()
    )
    for label, name, query in CHANGELISTS:
        try:
            url = reverse(name) + query.format(usmle_id=usmle_id or "")
        except NoReverseMatch:
            result.notes.append(f"{label}: no such admin page ({name}) in this build.")
            continue
        ms, queries, get = _measure(staff, url)
        result.add(
            f"admin {label}: median server time",
            f"{ms:.1f} ms",
            f"< {CHANGELIST_TARGET_MS:.0f} ms",
            ms < CHANGELIST_TARGET_MS,
        )
        result.add(f"admin {label}: queries", str(queries))
        if ms > slowest[0]:
            slowest = (ms, get, f"admin {label}")
    result.notes.append(
        f"Median of {REPEAT} requests after one warm-up, in-process Django test Client, "
        "staff verified by a TOTP device (django-otp session key)."
    )
    if counts:
        result.notes.append(
            "Dashboard query counts per applicant stage: "
            + ", ".join(f"{k}: {v}" for k, v in counts.items())
            + " (fixed per stage, independent of data size; tests assert them)."
        )
    if slowest[1] is not None:
        result.profile = profile_top(slowest[1], limit=14)
        result.notes.append(f"Profile: one request of the slowest page, {slowest[2]} ({slowest[0]:.1f} ms).")
    return result
