"""``manage.py generate_load_data --applicants N [--seed S]``: realistic volumes for benchmarks."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from applicants.loadgen.generate import generate_load_data


class Command(BaseCommand):
    help = (
        "Add N applicants at every stage (with exams, ledgers, documents, certificates, ERAS "
        "applications), schools across 60 countries and organizations with API keys, in bulk. "
        "No audit entries, no files per document: for benchmarks, never for production."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--applicants", type=int, required=True, help="How many applicants to add.")
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed (reproducible on an empty database)."
        )
        parser.add_argument("--batch-size", type=int, default=2000, help="Applicants per transaction.")
        parser.add_argument("--programs", type=int, default=300, help="Residency programs to create.")
        parser.add_argument(
            "--eras-share",
            type=float,
            default=0.3,
            help="Share of applicants past Step 1 who apply to residency programs through ERAS.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["applicants"] < 0:
            raise CommandError("--applicants must be 0 or more.")
        summary = generate_load_data(
            applicants=options["applicants"],
            seed=options["seed"],
            batch_size=options["batch_size"],
            programs=options["programs"],
            eras_share=options["eras_share"],
            progress=lambda message: self.stdout.write(f"  {message}"),
        )
        for name, count in summary.counts.items():
            self.stdout.write(f"{name:<24} {count:>10}")
        self.stdout.write("stages: " + ", ".join(f"{k}={v}" for k, v in summary.stages.items()))
        self.stdout.write(self.style.SUCCESS(f"Done in {summary.seconds:.1f} s."))
