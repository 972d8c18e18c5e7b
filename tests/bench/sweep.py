"""Rules-engine sweep over every applicant, in batches (certificates.selectors)."""

from __future__ import annotations

import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from applicants.models import Applicant
from certificates.selectors import assessments_in_batches

from .common import BenchResult, profile_top

TARGET_SECONDS = 20.0
BATCH_SIZE = 1000


def bench_sweep() -> BenchResult:
    result = BenchResult("sweep", "Rules-engine sweep over all applicants")
    ids = list(Applicant.objects.order_by("pk").values_list("pk", flat=True))
    eligible = 0
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        for _, assessment in assessments_in_batches(ids, batch_size=BATCH_SIZE):
            eligible += assessment.eligible
        elapsed = time.perf_counter() - started
    batches = -(-len(ids) // BATCH_SIZE)
    result.add("applicants assessed", f"{len(ids):,}")
    result.add("wall time", f"{elapsed:.1f} s", f"< {TARGET_SECONDS:.0f} s", elapsed < TARGET_SECONDS)
    result.add("applicants per second", f"{len(ids) / elapsed:,.0f}")
    result.add(
        f"queries (batches of {BATCH_SIZE:,})",
        f"{len(queries)}",
        f"= {batches} batches x 6",
        len(queries) == batches * 6,
    )
    result.add("found eligible (certified or revoked in generated data)", f"{eligible:,}")
    # Where the time goes, on one batch: the profile the notes refer to.
    sample = ids[: min(len(ids), 5 * BATCH_SIZE)]
    result.profile = profile_top(
        lambda: list(assessments_in_batches(sample, batch_size=BATCH_SIZE)), limit=14
    )
    result.notes.append(
        f"Profile: {len(sample):,} applicants ({len(sample) // BATCH_SIZE} batches), sorted by cumulative time."
    )
    return result
