"""``manage.py rotate_issuer_key [--compromised KEY_ID --since ISO_DATETIME]``.

Without options: a new Ed25519 key signs new credentials from now on; the old
one stays in the DID document, so what it signed still verifies. With
``--compromised``: everything that key signed from ``--since`` on fails
verification (an active key is rotated out first). Audited (actor: the command line).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ecfmg_portal.errors import DomainError

from ...issuer import issuer_key_mark_compromised, issuer_key_rotate, verification_method_id
from ...models import IssuerKey


class Command(BaseCommand):
    help = "Rotate the issuer's credential signing key, or mark a key compromised from a date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--compromised", metavar="KEY_ID", help="Mark this key compromised.")
        parser.add_argument(
            "--since", metavar="ISO_DATETIME", help="From when (e.g. 2026-03-01T00:00:00+00:00); default now."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["compromised"] is None:
            if options["since"]:
                raise CommandError("--since goes with --compromised.")
            key = issuer_key_rotate()
            self.stdout.write(f"New credentials are signed with {verification_method_id(key)}.")
            return
        found = IssuerKey.objects.filter(key_id=options["compromised"]).first()
        if found is None:
            raise CommandError(f"No issuer key {options['compromised']!r}.")
        since = timezone.now()
        if options["since"]:
            try:
                since = datetime.datetime.fromisoformat(options["since"])
            except ValueError as error:
                raise CommandError("--since must be an ISO date and time with its time zone.") from error
        try:
            key = issuer_key_mark_compromised(key=found, since=since)
        except DomainError as error:
            raise CommandError(error.message) from error
        assert key.compromised_since is not None
        self.stdout.write(
            f"Key {key.key_id} is marked compromised from {key.compromised_since.isoformat()}: "
            "anything it signed from then on fails verification."
        )
