"""Login lockout per account-and-address, with a looser limit per address.

django-axes compares one failure count with one limit. Counting per account alone
let anyone lock out a chosen person; counting per address alone locked every
account behind a hospital NAT after five typos. Here the count that locks is the
failures for this account from this address (``AXES_FAILURE_LIMIT``, 5), and an
address that has failed ``AXES_ADDRESS_FAILURE_LIMIT`` times (50) across any
accounts is locked as a whole, which bounds guessing across many accounts.

Only the (account, address) pair is an axes lockout parameter, so a successful
login resets that pair's failures and nobody else's: a valid login from the same
NAT does not wipe the address count an attacker has built up.

The account half of the key is the case-folded, trimmed address (``account_key``):
e-mail addresses log in whatever their case, so ``CASE@example.com`` and
``case@example.com`` must count as one account or changing case escapes the lock.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def account_key(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """The account half of the lockout key (``AXES_USERNAME_CALLABLE``), case-folded."""
    field = settings.AXES_USERNAME_FORM_FIELD
    source = credentials if credentials else getattr(request, "data", request.POST)
    username = source.get(field)
    if not isinstance(username, str):
        return None
    return username.strip().casefold()


def address_failures(request: HttpRequest) -> int:
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=address)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)


class AccountAndAddressHandler(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        pair = int(super().get_failures(request, credentials))
        if address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(pair, int(settings.AXES_FAILURE_LIMIT))
        return pair
