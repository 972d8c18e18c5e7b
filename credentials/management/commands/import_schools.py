"""``manage.py import_schools FILE.csv``: load or update the school directory (api.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from credentials.services.directory import schools_import_csv


class Command(BaseCommand):
    help = "Load or update the IMED school directory from a UTF-8 CSV file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            help="CSV with header imed_id,name,country,city,eligible_graduation_years,verification_email",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            # utf-8-sig drops a byte-order mark that spreadsheet programs add.
            with open(path, encoding="utf-8-sig", newline="") as stream:
                report = schools_import_csv(stream=stream)
        except FileNotFoundError:
            raise CommandError(f"No such file: {path}") from None
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 ({exc.reason} at byte {exc.start}).") from None
        for line, message in report.errors:
            self.stderr.write(f"line {line}: {message}")
        self.stdout.write(f"created {report.created}, updated {report.updated}, rejected {report.rejected}")
        if report.rejected:
            raise SystemExit(1)
