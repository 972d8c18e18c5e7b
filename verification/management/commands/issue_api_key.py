"""``manage.py issue_api_key --organization NAME --kind KIND`` (api.md).

Creates the organization if needed and prints the new key alone on the last
line, so scripts can take it with ``tail -n 1``. The key is shown only here.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecfmg_portal.errors import DomainError

from ...models import Organization
from ...services.keys import api_key_issue, organization_get_or_create


class Command(BaseCommand):
    help = "Issue an API key for an organization (created if needed); prints the key on the last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", required=True, help="The organization's name.")
        parser.add_argument("--kind", required=True, choices=Organization.Kind.values)
        parser.add_argument("--name", default="", help="A label for the key, e.g. the system using it.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organization, created = organization_get_or_create(
                name=options["organization"], kind=options["kind"]
            )
            api_key, raw_key = api_key_issue(organization=organization, name=options["name"])
        except DomainError as error:
            raise CommandError(error.message) from error
        if created:
            self.stdout.write(f"Created organization {organization.name} ({organization.kind}).")
        self.stdout.write(
            f"New API key {api_key.prefix}… for {organization.name}. "
            "It is shown only now; send it as 'Authorization: Token <key>':"
        )
        self.stdout.write(raw_key)
