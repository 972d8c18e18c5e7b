"""Server time and query count of the staff workbench pages: the home page of work, the
charts, each one-page review and the applicant's whole file.

In-process with Django's test Client, as ``tests/bench/pages.py``: the median of
``REPEAT`` requests after one warm-up (which also draws and caches a document's page
images), for a verified superuser, who sees every queue.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

from applicants.models import Applicant, IdentityChangeRequest
from certificates.models import Certificate
from credentials.models import Document, SchoolVerificationRequest

from .common import BenchResult, profile_top
from .pages import REPEAT, _measure, staff_client

# Issue 13: the workbench home, a one-page review and the applicant's file, < 100 ms at 100k.
TARGET_MS = 100.0


def _targets() -> list[tuple[str, str]]:
    pages = [("home page of work", reverse("admin:index")), ("charts", reverse("admin:workbench_charts"))]
    diploma = (
        Document.objects.filter(kind=Document.Kind.DIPLOMA, status=Document.Status.RECEIVED)
        .order_by("pk")
        .first()
    )
    answered = (
        SchoolVerificationRequest.objects.filter(status=SchoolVerificationRequest.Status.ANSWERED)
        .order_by("pk")
        .first()
    )
    correction = IdentityChangeRequest.objects.order_by("pk").first()
    certificate = Certificate.objects.order_by("pk").first()
    applicant = (
        Applicant.objects.filter(certificate__isnull=False).order_by("pk").first()
        or Applicant.objects.first()
    )
    for label, name, row in (
        ("document review", "admin:credentials_document_change", diploma),
        ("school answer review", "admin:credentials_schoolanswerreview_change", answered),
        ("identity correction", "admin:applicants_identitychangerequest_change", correction),
        ("certificate page", "admin:certificates_certificate_change", certificate),
        ("applicant's whole file", "admin:applicants_applicant_change", applicant),
    ):
        if row is not None:
            pages.append((label, reverse(name, args=[row.pk])))
    pages.append(
        ("people search: a folded name", reverse("admin:applicants_applicant_changelist") + "?q=nunez")
    )
    return pages


def bench_staff_pages() -> BenchResult:
    result = BenchResult("staff_pages", "Staff workbench: home, charts, one-page reviews, applicant file")
    client = staff_client()
    slowest: tuple[float, Callable[[], object] | None, str] = (0.0, None, "")
    measured = 0
    for label, url in _targets():
        ms, queries, get = _measure(client, url)
        measured += 1
        result.add(f"{label}: median server time", f"{ms:.1f} ms", f"< {TARGET_MS:.0f} ms", ms < TARGET_MS)
        result.add(f"{label}: queries", str(queries))
        if ms > slowest[0]:
            slowest = (ms, get, label)
    result.notes.append(
        f"Median of {REPEAT} requests after one warm-up, in-process Django test Client, verified superuser "
        "(every queue on the home page). Query counts are fixed per page: tests/admin assert them at two data sizes."
    )
    if measured < 9:
        result.notes.append(
            "Pages without a row to show in this data set (no answered request, no correction...) were skipped."
        )
    if slowest[1] is not None:
        result.profile = profile_top(slowest[1], limit=14)
        result.notes.append(f"Profile: one request of the slowest page, {slowest[2]} ({slowest[0]:.1f} ms).")
    return result
