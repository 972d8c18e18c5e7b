"""``manage.py eras_feed --organization NAME``: let that organization's keys submit
ERAS applications (``POST /api/v1/eras/applications/``). Create the organization
and its key first with ``issue_api_key`` (kind ``other``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from verification.models import Organization

from ...services import feed_access_grant


class Command(BaseCommand):
    help = "Grant an organization the right to submit ERAS applications."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", required=True, help="The organization's name.")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(name=" ".join(options["organization"].split())).first()
        if organization is None:
            raise CommandError("No such organization; create it with issue_api_key first.")
        feed_access_grant(organization=organization)
        self.stdout.write(f"{organization.name} may submit ERAS applications.")
