"""``manage.py verify_audit_log``: walk the keyed chain; exit 1 on any problem.

An edited entry no longer matches its MAC (every field is covered, ``actor_label``
too), and without ``AUDIT_HMAC_KEY`` nobody can compute a matching one; a deleted
or reordered entry breaks the sequence and the link to the entry before it.
Removing the newest entries, or all of them, leaves a valid shorter chain: the
newest head recorded outside the table (``ecfmg_portal.audit.heads``) must still be
there with its hash, and an empty log where a head was once recorded is a failure.
``--expect-head SEQUENCE:HASH`` checks a head kept anywhere else too.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecfmg_portal.audit.heads import audit_heads_recorded_latest
from ecfmg_portal.audit.models import SCHEME_SHA256, AuditEntry
from ecfmg_portal.audit.services import audit_verify_chain


class Command(BaseCommand):
    help = "Check that no audit entry was edited, forged, deleted, reordered or cut off."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--expect-head",
            metavar="SEQUENCE:HASH",
            help="An earlier run's head: that entry must still exist with that hash.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = audit_verify_chain()
        lines = [f"entry #{p.sequence}: {p.problem}" for p in problems]
        recorded, head_problems = audit_heads_recorded_latest()
        lines.extend(head_problems)
        if recorded is not None:
            lines.extend(self._check_head(f"{recorded.sequence}:{recorded.entry_hash}", "the recorded head"))
        if options["expect_head"]:
            lines.extend(self._check_head(options["expect_head"], "the expected head"))
        count = AuditEntry.objects.count()
        if count == 0 and recorded is not None:
            lines.append(
                f"the log is empty, but head #{recorded.sequence} was recorded: entries were removed"
            )
        if lines:
            for line in lines:
                self.stdout.write(line)
            raise CommandError(f"Audit log verification FAILED: {len(lines)} problem(s).")
        head = AuditEntry.objects.order_by("-sequence").values("sequence", "entry_hash").first()
        if head is None:
            self.stdout.write("Audit log is empty (no head was ever recorded).")
            return
        legacy = AuditEntry.objects.filter(scheme=SCHEME_SHA256).count()
        self.stdout.write(f"Audit log intact: {count} entries.")
        if legacy:
            self.stdout.write(f"{legacy} entries predate the keyed chain (plain SHA-256).")
        self.stdout.write(f"head {head['sequence']}:{head['entry_hash']}")

    def _check_head(self, value: str, what: str) -> list[str]:
        sequence, _, digest = value.partition(":")
        if not sequence.isdigit() or len(digest) != 64:
            raise CommandError("--expect-head must look like 1234:<64 hex characters>.")
        stored = (
            AuditEntry.objects.filter(sequence=int(sequence)).values_list("entry_hash", flat=True).first()
        )
        if stored is None:
            return [f"entry #{sequence}: missing (the newest entries were removed; {what})"]
        if stored != digest:
            return [f"entry #{sequence}: hash differs from {what}"]
        return []
