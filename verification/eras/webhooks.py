"""Pushing status reports to programs' webhooks.

Each report version has one ``WebhookDelivery``. An attempt claims it with a
conditional UPDATE (``pending`` -> ``sending``), posts the signed JSON body, and
records what happened. Connection errors, timeouts, 408, 429 and 5xx are
retried with exponential backoff up to the delivery's attempt limit; any other
answer (3xx, 4xx) fails the delivery at once. A delivery that is ``delivered``
is never sent again. One interrupted mid-send (worker killed after the receiver may
have got it) is sent again by the sweep with the same ``X-ECFMG-Delivery`` id, on
which receivers deduplicate: each version is processed once (docs/eras.md).

Signature: ``X-ECFMG-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>``
with ``X-ECFMG-Timestamp`` the Unix time of the attempt (see docs/eras.md).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress
import logging
import socket
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from ecfmg_portal.audit.services import audit_record

from .models import StatusReport, WebhookAttempt, WebhookDelivery
from .serializers import StatusReportSerializer

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF_FACTOR = 4
BACKOFF_CAP_SECONDS = 6 * 60 * 60
# (connect, read) seconds: a receiver has to answer quickly; it can process later.
TIMEOUT = (3.05, 10)
# A delivery left "sending" this long was interrupted (worker lost mid-request).
STALE_SENDING = datetime.timedelta(minutes=10)
# A "pending" delivery this overdue lost its queued task; queue it again.
OVERDUE_PENDING = datetime.timedelta(minutes=5)
USER_AGENT = "ECFMG-Portal-Webhooks/1"
RETRYABLE_CODES = frozenset({408, 429})


@dataclass(frozen=True)
class AttemptResult:
    outcome: str  # "delivered", "retry", "failed", or "skipped" (not due, or claimed elsewhere)
    retry_in: float | None = None


def private_addresses_allowed() -> bool:
    return bool(settings.DEBUG or settings.WEBHOOK_ALLOW_PRIVATE)


_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form carries and would route to: mapped (::ffff:a.b.c.d),
    IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d), 6to4 (2002:AABB:CCDD::) or
    Teredo. ``169.254.169.254`` written in any of these is still the metadata service."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64 or ip in _IPV4_COMPATIBLE:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in _NAT64_LOCAL:
            return False  # local-use NAT64: translated inside the operator's own network
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return _is_public(str(embedded))
    return ip.is_global and not ip.is_multicast


def webhook_url_refusal(url: str) -> str | None:
    """Why this URL may not receive reports, or None. Only http(s); outside
    development, never a host that resolves to a loopback, private, link-local
    or reserved address (the server must not be turned against its own network)."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return "Not a valid URL."
    if parts.scheme not in ("http", "https"):
        return "The webhook URL must start with https:// or http://."
    if not parts.hostname:
        return "The webhook URL has no host."
    if parts.username or parts.password:
        return "The webhook URL must not contain a user name or password."
    if private_addresses_allowed():
        return None
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)}
    except (socket.gaierror, UnicodeError):
        return "The webhook host name does not resolve."
    if not addresses or not all(_is_public(str(a)) for a in addresses):
        return "The webhook URL points to a private or local network address."
    return None


def webhook_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of ``<timestamp>.<body>`` with the program's secret."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def webhook_body(report: StatusReport) -> bytes:
    """The same JSON a program gets from ``GET /api/v1/eras/reports/{id}/``."""
    return bytes(JSONRenderer().render(StatusReportSerializer(report).data))


def backoff_seconds(attempt: int) -> int:
    """Delay after failed attempt number ``attempt`` (1-based): by default 1 min, 4, 16, 64, ...
    capped at 6 hours (``settings.WEBHOOK_BACKOFF_SECONDS`` is the first delay)."""
    first = settings.WEBHOOK_BACKOFF_SECONDS
    return int(min(first * BACKOFF_FACTOR ** (attempt - 1), BACKOFF_CAP_SECONDS))


def _post(url: str, *, secret: str, delivery: WebhookDelivery) -> tuple[int | None, str, bool]:
    """POST the report; returns (status code, error, permanent)."""
    body = webhook_body(delivery.report)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-ECFMG-Event": "status_report",
        "X-ECFMG-Delivery": str(delivery.public_id),
        "X-ECFMG-Timestamp": timestamp,
        "X-ECFMG-Signature": "sha256=" + webhook_signature(secret=secret, timestamp=timestamp, body=body),
    }
    try:
        with requests.Session() as session:
            # No proxy or .netrc from the environment: the URL checked is the URL called.
            session.trust_env = False
            with session.post(
                url, data=body, headers=headers, timeout=TIMEOUT, allow_redirects=False, stream=True
            ) as response:
                return response.status_code, "", False
    except requests.Timeout:
        return None, "Timed out.", False
    except requests.ConnectionError as exc:
        return None, f"Connection failed ({type(exc).__name__}).", False
    except requests.RequestException as exc:
        return None, f"Request refused ({type(exc).__name__}).", True


def webhook_delivery_attempt(*, delivery_id: int) -> AttemptResult:
    """Make the next attempt of a due delivery; do nothing if it is not due or
    another worker holds it. Records the attempt either way it ends."""
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
    ).update(status=WebhookDelivery.Status.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    if claimed != 1:
        return AttemptResult("skipped")
    delivery = WebhookDelivery.objects.select_related("report__application", "report__program").get(
        pk=delivery_id
    )
    program = delivery.report.program
    url = program.webhook_url
    started = timezone.now()
    clock = time.monotonic()
    code: int | None = None
    if not url or not program.is_active:
        error, permanent = "The program has no webhook any more.", True
    elif not program.webhook_secret:
        error, permanent = "The program's webhook has no signing secret; configure it again.", True
    elif refusal := webhook_url_refusal(url):
        error, permanent = refusal, True
    else:
        code, error, permanent = _post(url, secret=program.webhook_secret, delivery=delivery)
    duration_ms = int((time.monotonic() - clock) * 1000)

    if code is not None and 200 <= code < 300:
        outcome = WebhookAttempt.Outcome.DELIVERED
    elif code is not None and code not in RETRYABLE_CODES and code < 500:
        outcome, error = WebhookAttempt.Outcome.FAILED, f"The receiver answered HTTP {code}."
    elif permanent:
        outcome = WebhookAttempt.Outcome.FAILED
    else:
        error = error or f"The receiver answered HTTP {code}."
        if delivery.attempts >= delivery.attempt_limit:
            outcome = WebhookAttempt.Outcome.FAILED
            error += f" Gave up after {delivery.attempts} attempts."
        else:
            outcome = WebhookAttempt.Outcome.RETRY
    retry_in = backoff_seconds(delivery.attempts) if outcome == WebhookAttempt.Outcome.RETRY else None

    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            url=url[:500],
            started_at=started,
            duration_ms=duration_ms,
            response_code=code,
            error=error,
            outcome=outcome,
        )
        finished = timezone.now()
        update: dict[str, Any] = {"response_code": code, "last_error": error, "claimed_at": None}
        if outcome == WebhookAttempt.Outcome.DELIVERED:
            update.update(
                status=WebhookDelivery.Status.DELIVERED, delivered_at=finished, next_attempt_at=None
            )
        elif outcome == WebhookAttempt.Outcome.RETRY:
            update.update(
                status=WebhookDelivery.Status.PENDING,
                next_attempt_at=finished + datetime.timedelta(seconds=retry_in or 0),
            )
        else:
            update.update(status=WebhookDelivery.Status.FAILED, next_attempt_at=None)
        WebhookDelivery.objects.filter(pk=delivery.pk, status=WebhookDelivery.Status.SENDING).update(**update)
    if outcome != WebhookAttempt.Outcome.DELIVERED:
        logger.warning(
            "ERAS webhook delivery %s attempt %s: %s (HTTP %s)", delivery.pk, delivery.attempts, outcome, code
        )
    return AttemptResult(str(outcome), retry_in)


def webhook_delivery_resend(*, delivery: WebhookDelivery, actor: Any = None) -> bool:
    """Send a failed delivery again (staff, after the program fixed its receiver).
    Only a failed delivery can be resent: a delivered version is never sent twice.
    Returns whether it was queued; the caller queues the task."""
    with transaction.atomic():
        resent = WebhookDelivery.objects.filter(pk=delivery.pk, status=WebhookDelivery.Status.FAILED).update(
            status=WebhookDelivery.Status.PENDING,
            next_attempt_at=timezone.now(),
            attempt_limit=F("attempts") + MAX_ATTEMPTS,
            last_error="",
        )
        if resent:
            audit_record(action="eras.webhook_delivery.resent", obj=delivery, actor=actor)
    return bool(resent)


INTERRUPTED = "Interrupted while sending (worker lost); redelivered with the same delivery id."


def webhook_deliveries_sweep() -> list[int]:
    """Return deliveries interrupted mid-send to ``pending`` and list every overdue
    pending one to queue again.

    An interrupted delivery may or may not have reached the receiver. It is sent
    again automatically with the same ``X-ECFMG-Delivery`` id and the same body, and
    receivers deduplicate on that id (docs/eras.md), so a retry is safe where a staff
    "resend" guessed. It is never marked failed for that: only an answer fails it."""
    now = timezone.now()
    WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.SENDING, claimed_at__lt=now - STALE_SENDING
    ).update(
        status=WebhookDelivery.Status.PENDING,
        claimed_at=None,
        next_attempt_at=now,
        # The lost attempt counted; one more is always allowed, so a redelivery can end
        # with the receiver's real answer rather than with "gave up" unasked.
        attempt_limit=Greatest(F("attempt_limit"), F("attempts") + 1),
        last_error=INTERRUPTED,
    )
    due = Q(next_attempt_at__lt=now - OVERDUE_PENDING) | Q(last_error=INTERRUPTED, next_attempt_at__lte=now)
    return list(
        WebhookDelivery.objects.filter(due, status=WebhookDelivery.Status.PENDING).values_list(
            "pk", flat=True
        )[:1000]
    )
