"""``manage.py outbox_resend``: send the tasks kept while the broker was down."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ecfmg_portal.outbox.services import outbox_resend


class Command(BaseCommand):
    help = "Send again the tasks the broker could not take (kept in the outbox)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent, pending = outbox_resend()
        self.stdout.write(f"sent {sent}, still pending {pending}")
        if pending:
            raise CommandError("Some tasks are still pending: is the broker reachable?")
