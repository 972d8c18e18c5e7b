"""Certificate PDF: render time against WeasyPrint's floor (a one-line page), then
issuing certificates end to end with two real Celery worker processes."""

from __future__ import annotations

import datetime
import os
import time
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from applicants.models import Applicant, LedgerEntry
from certificates.models import Certificate
from certificates.pdf import (
    CertificateContent,
    certificate_content,
    render_certificate_pdf_bytes,
    render_floor_pdf_bytes,
)
from certificates.selectors import assessments_in_batches
from certificates.tasks import evaluate_certification
from credentials.models import Document

from .common import BenchResult, median_ms, profile_top, timed
from .workers import broker_available, celery_workers

REPEAT = 12
TARGET_RATIO = 2.0
ISSUE_COUNT = int(os.environ.get("BENCH_ISSUE_CERTIFICATES", "1000"))
ISSUE_WORKERS = 2
ISSUE_TIMEOUT = 420.0


def _content() -> CertificateContent:
    certificate = Certificate.objects.select_related("applicant").order_by("pk").first()
    if certificate is not None:
        return certificate_content(certificate)
    return CertificateContent(
        full_name="María José Núñez-García",
        usmle_id="10000008",
        exam_requirements_met_on=datetime.date(2026, 1, 20),
        issued_on=datetime.date(2026, 2, 1),
        number="0-871-000-1",
        verification_code="x" * 32,
        verify_url="http://127.0.0.1:8000/verify/" + "x" * 32 + "/",
    )


def _ready_to_certify(count: int) -> list[int]:
    """Applicants whose only missing requirement is the balance: their debt is paid off
    here (one payment each, written directly, no events) so issuing can start."""
    candidates = list(
        Applicant.objects.filter(
            certificate__isnull=True,
            documents__kind=Document.Kind.DIPLOMA,
            documents__status=Document.Status.VERIFIED,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()[: count * 4]
    )
    chosen: list[int] = []
    for applicant_id, assessment in assessments_in_batches(candidates):
        if [r.rule for r in assessment.missing] == ["R-PAY-2"]:
            chosen.append(applicant_id)
        if len(chosen) == count:
            break
    balances = dict(
        LedgerEntry.objects.filter(applicant_id__in=chosen)
        .values("applicant_id")
        .annotate(t=Sum("amount"))
        .values_list("applicant_id", "t")
    )
    now = timezone.now()
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                applicant_id=pk,
                kind=LedgerEntry.Kind.PAYMENT,
                amount=-(balances[pk] or Decimal("0")),
                description="Benchmark payment",
                reference=f"bench:{now.timestamp()}:{pk}",
            )
            for pk in chosen
            if (balances.get(pk) or 0) > 0
        ]
    )
    return chosen


def bench_pdf() -> BenchResult:
    result = BenchResult("pdf", "Certificate PDF rendering and issuing")
    content = _content()
    render_certificate_pdf_bytes(content)  # warm: fonts, stylesheet, template
    render_floor_pdf_bytes()
    certificate_ms = median_ms(timed(lambda: render_certificate_pdf_bytes(content), REPEAT))
    floor_ms = median_ms(timed(render_floor_pdf_bytes, REPEAT))
    ratio = certificate_ms / floor_ms
    result.add("floor: WeasyPrint one-line page, median", f"{floor_ms:.0f} ms")
    result.add("certificate, median (warm process)", f"{certificate_ms:.0f} ms")
    result.add("certificate / floor", f"{ratio:.2f}x", f"<= {TARGET_RATIO:.0f}x", ratio <= TARGET_RATIO)
    result.add("certificate PDF size", f"{len(render_certificate_pdf_bytes(content)) / 1024:.0f} KiB")
    result.profile = profile_top(lambda: render_certificate_pdf_bytes(content), limit=14)
    result.notes.append(
        f"Median of {REPEAT} renders each, in one warm process. Profile: one certificate render."
    )
    _issue(result)
    return result


def _issue(result: BenchResult) -> None:
    if not broker_available():
        result.notes.append("Issuing not measured: no Redis broker at BENCH_CELERY_BROKER_URL.")
        return
    chosen = _ready_to_certify(ISSUE_COUNT)
    if not chosen:
        result.notes.append("Issuing not measured: no applicant is one payment away from certification.")
        return
    with celery_workers(ISSUE_WORKERS):
        started = time.perf_counter()
        for applicant_id in chosen:
            evaluate_certification.delay(applicant_id)
        done = 0
        while time.perf_counter() - started < ISSUE_TIMEOUT:
            done = Certificate.objects.filter(applicant_id__in=chosen, pdf_rendered_at__isnull=False).count()
            if done == len(chosen):
                break
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
    issued = Certificate.objects.filter(applicant_id__in=chosen).count()
    result.add(
        "certificates issued, rendered and stored (2 worker processes)", f"{done:,} of {len(chosen):,}"
    )
    result.add("issuing throughput", f"{done / elapsed:.1f} certificates/s")
    result.notes.append(
        f"Issuing: {len(chosen):,} applicants one payment away from certification were paid up, then "
        "`certificates.tasks.evaluate_certification` was queued for each; a Celery worker with 2 prefork "
        "processes (queues default, pdf, email) assessed, issued (row lock, counter), rendered and stored the "
        f"PDF and sent the e-mail. {issued:,} issued, {done:,} with their PDF after {elapsed:.0f} s."
    )
