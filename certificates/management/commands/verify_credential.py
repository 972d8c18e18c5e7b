"""``manage.py verify_credential FILE`` (api.md): verify a certificate PDF or credential.

Prints the verdict and what was checked; exits 0 only when the verdict is "valid".
The DID document and status lists come from ``--did-document`` / ``--status-list``
files when given (fully offline), otherwise from ``SITE_URL`` at their fixed paths;
never from an address the file names.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...trust_sources import OfflineSources
from ...verifier import VALID, verify_file


class Command(BaseCommand):
    help = "Verify a certificate PDF or Verifiable Credential file; exit 0 only when it is valid."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--did-document", type=Path, help="ECFMG's did.json, saved (offline).")
        parser.add_argument(
            "--status-list", type=Path, action="append", default=[], help="A saved status list (repeatable)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()[: settings.CREDENTIAL_VERIFY_MAX_BYTES + 1]
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        sources = OfflineSources(
            did_document_file=options["did_document"], status_list_files=options["status_list"]
        )
        outcome = verify_file(data, sources)
        self.stdout.write(f"Verdict: {outcome.verdict}")
        self.stdout.write(outcome.headline)
        for check in outcome.checks:
            self.stdout.write(f"  [{'ok' if check.passed else 'FAILED'}] {check.name}: {check.detail}")
        for used in sources.used:
            self.stdout.write(f"  (used {used})")
        if outcome.verdict != VALID:
            sys.exit(1)
