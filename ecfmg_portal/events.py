"""Domain events between apps, without import cycles.

A service that writes a fact which can change an applicant's certification
status (exam result, credential decision, ledger entry, certificate issue or
revocation) calls ``applicant_status_changed``. Apps subscribe in their
``AppConfig.ready``: certificates re-evaluates the rules, verification refreshes
ERAS status reports. Handlers run only after the surrounding transaction
commits, so a rolled-back write announces nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.db import transaction

StatusHandler = Callable[[int, str], None]
_status_handlers: list[StatusHandler] = []


def subscribe_status_changed(handler: StatusHandler) -> None:
    if handler not in _status_handlers:
        _status_handlers.append(handler)


def applicant_status_changed(*, applicant_id: int, cause: str) -> None:
    """Announce, on commit, that something about this applicant's status may have changed."""
    for handler in list(_status_handlers):
        transaction.on_commit(partial(handler, applicant_id, cause))
