"""``make bench``: load the volumes, run every benchmark, print and record the figures.

    .venv/bin/python -m tests.bench.run [--applicants 100000] [--only sweep,pages,api,pdf,eras]

Uses its own PostgreSQL database (``BENCH_DATABASE_URL``, default ``ecfmg_bench``;
created and migrated when missing) and tops it up to ``--applicants`` with
``generate_load_data``. Results go to docs/benchmarks.md; figures of benchmarks
not run this time are kept from the previous run (stored in the same file).
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
import warnings
from collections.abc import Callable

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.bench.settings"
# WhiteNoise looks for collected static files, which the benchmarks do not serve.
warnings.filterwarnings("ignore", message="No directory at")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from applicants.loadgen.generate import generate_load_data  # noqa: E402
from applicants.models import Applicant  # noqa: E402

from . import report  # noqa: E402
from .api import bench_api  # noqa: E402
from .common import BenchResult, machine  # noqa: E402
from .eras import bench_eras  # noqa: E402
from .pages import bench_pages  # noqa: E402
from .pdf import bench_pdf  # noqa: E402
from .signing import bench_signing  # noqa: E402
from .staff_pages import bench_staff_pages  # noqa: E402
from .sweep import bench_sweep  # noqa: E402
from .uploads import bench_uploads  # noqa: E402

BENCHMARKS: dict[str, Callable[[], BenchResult]] = {
    "sweep": bench_sweep,
    "pages": bench_pages,
    "staff_pages": bench_staff_pages,
    "api": bench_api,
    "pdf": bench_pdf,
    "signing": bench_signing,
    "eras": bench_eras,
    "uploads": bench_uploads,
}


def _ensure_database() -> None:
    settings_dict = connection.settings_dict
    if connection.vendor != "postgresql":
        return
    name = settings_dict["NAME"]
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}.")


def _top_up(applicants: int) -> None:
    have = Applicant.objects.count()
    if have >= applicants:
        print(f"{have:,} applicants in the benchmark database (asked for {applicants:,}).")
        return
    print(f"Generating {applicants - have:,} applicants (have {have:,})...")
    summary = generate_load_data(
        applicants=applicants - have, seed=1, progress=lambda m: print(f"  {m}", flush=True)
    )
    print(
        f"Generated in {summary.seconds:.0f} s: " + ", ".join(f"{k} {v:,}" for k, v in summary.counts.items())
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--applicants", type=int, default=int(os.environ.get("BENCH_APPLICANTS", "100000")))
    parser.add_argument("--only", default="", help="Comma-separated: " + ", ".join(BENCHMARKS))
    parser.add_argument("--no-write", action="store_true", help="Print only; leave docs/benchmarks.md alone.")
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()] or list(BENCHMARKS)
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        parser.error("unknown benchmark(s): " + ", ".join(unknown))

    _ensure_database()
    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    _top_up(args.applicants)
    info = machine()
    info["date"] = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    info["applicants"] = f"{Applicant.objects.count():,}"
    print("Machine: " + ", ".join(f"{k}={v}" for k, v in info.items()))
    results: list[BenchResult] = []
    for name in chosen:
        bench_started = time.perf_counter()
        result = BENCHMARKS[name]()
        result.seconds = time.perf_counter() - bench_started
        result.ran_at = info["date"]
        result.print()
        results.append(result)
    if not args.no_write:
        path = report.write(results, info)
        print(f"\nWrote {path} ({time.perf_counter() - started:.0f} s in all).")
    missed = [r.key for r in results if r.all_met is False]
    if missed:
        print(
            "Targets missed in: " + ", ".join(missed) + " (see the notes and profiles in docs/benchmarks.md)."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
