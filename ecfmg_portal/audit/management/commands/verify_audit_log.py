"""``manage.py verify_audit_log``: walk the hash chain; exit 1 on any broken link.

An edited entry no longer matches its hash; a deleted or reordered one breaks
the sequence and the link to the entry before it. Removing the newest entries
leaves a valid, shorter chain: pass the head printed by an earlier run
(``--expect-head SEQUENCE:HASH``, kept outside the database) to catch that too.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecfmg_portal.audit.models import AuditEntry
from ecfmg_portal.audit.services import audit_verify_chain


class Command(BaseCommand):
    help = "Check that no audit entry was edited, deleted or reordered."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--expect-head",
            metavar="SEQUENCE:HASH",
            help="An earlier run's head: that entry must still exist with that hash.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = audit_verify_chain()
        lines = [f"entry #{p.sequence}: {p.problem}" for p in problems]
        if options["expect_head"]:
            lines.extend(self._check_head(options["expect_head"]))
        if lines:
            for line in lines:
                self.stdout.write(line)
            raise CommandError(f"Audit log verification FAILED: {len(lines)} problem(s).")
        head = AuditEntry.objects.order_by("-sequence").values("sequence", "entry_hash").first()
        count = AuditEntry.objects.count()
        if head is None:
            self.stdout.write("Audit log is empty.")
            return
        self.stdout.write(f"Audit log intact: {count} entries.")
        self.stdout.write(f"head {head['sequence']}:{head['entry_hash']}")

    def _check_head(self, value: str) -> list[str]:
        sequence, _, digest = value.partition(":")
        if not sequence.isdigit() or len(digest) != 64:
            raise CommandError("--expect-head must look like 1234:<64 hex characters>.")
        stored = (
            AuditEntry.objects.filter(sequence=int(sequence)).values_list("entry_hash", flat=True).first()
        )
        if stored is None:
            return [f"entry #{sequence}: missing (the newest entries were removed)"]
        if stored != digest:
            return [f"entry #{sequence}: hash differs from the expected head"]
        return []
