"""``manage.py eras_program --organization NAME --acgme-program-id ID [--webhook-url URL]``:
name a residency program by its ACGME program id and, optionally, set its webhook
(the signing secret is printed alone on the last line)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecfmg_portal.errors import DomainError
from verification.models import Organization

from ...services import program_acgme_id_set, program_webhook_configure


class Command(BaseCommand):
    help = "Set a residency program's ACGME program id and, optionally, its webhook URL."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", required=True, help="The program's organization name.")
        parser.add_argument("--acgme-program-id", required=True, help="10 digits.")
        parser.add_argument("--webhook-url", default="", help="Where new reports are pushed.")

    def handle(self, *args: Any, **options: Any) -> None:
        program = Organization.objects.filter(name=" ".join(options["organization"].split())).first()
        if program is None:
            raise CommandError("No such organization; create it with issue_api_key --kind residency_program.")
        try:
            program_acgme_id_set(program=program, acgme_program_id=options["acgme_program_id"])
            if options["webhook_url"]:
                program_webhook_configure(program=program, url=options["webhook_url"])
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"{program.name} is ACGME program {program.acgme_program_id}.")
        if options["webhook_url"]:
            self.stdout.write("Reports are pushed to the webhook, signed with this secret:")
            self.stdout.write(program.webhook_secret)
