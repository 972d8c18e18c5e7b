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
import json
import logging
import os
import socket
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone

from ecfmg_portal.audit.services import audit_record

from .models import StatusReport, WebhookAttempt, WebhookDelivery

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
# One batch posts for at most this long, then puts the rest back (due now) for the next
# task: far from STALE_SENDING, so the sweep never takes a live batch's claims.
BATCH_SECONDS = 60
# Deliveries per task: one task per program per batch (services queue them so).
BATCH_SIZE = 500
# Receivers' keep-alive connections kept per worker process (least recently used dropped).
POOLED_HOSTS = 64
# A receiver's answer is read up to this much (to reuse the connection), no further.
MAX_ANSWER_BYTES = 64 * 1024


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


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _date_text(value: Any) -> str | None:
    # Dates are stored in the snapshot as ISO text already; an empty one is no date.
    return str(value) if value else None


def _datetime_text(value: datetime.datetime) -> str:
    # As DRF's DateTimeField writes it (the pulled report): ISO 8601 in the current time
    # zone, "Z" for UTC.
    text = value.astimezone(timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def report_document(
    *,
    public_id: uuid.UUID | str,
    version: int,
    generated_at: datetime.datetime,
    season: str,
    acgme_program_id: str | None,
    payload: dict[str, Any],
) -> dict[str, Any]:
    """The report as ``GET /api/v1/eras/reports/{id}/`` gives it (``StatusReportSerializer``,
    same fields, order and values), from the stored snapshot without a serializer: a push
    builds thousands a second. ``tests/test_batch_delivery.py`` checks both agree byte for byte."""
    certification = payload["certification"]
    education = payload["medical_education"]
    school = education["school"]
    return {
        "id": str(public_id),
        "version": int(version),
        "generated_at": _datetime_text(generated_at),
        "season": _text(season),
        "acgme_program_id": _text(acgme_program_id),
        "usmle_id": _text(payload["usmle_id"]),
        "applicant": {
            "given_names": _text(payload["applicant"]["given_names"]),
            "last_name": _text(payload["applicant"]["last_name"]),
        },
        "certification": {
            "status": _text(certification["status"]),
            "certificate_number": _text(certification["certificate_number"]),
            "exam_requirements_met_on": _date_text(certification["exam_requirements_met_on"]),
            "issued_on": _date_text(certification["issued_on"]),
            "revoked_on": _date_text(certification["revoked_on"]),
        },
        "exams": [
            {
                "exam": _text(exam["exam"]),
                "passed": bool(exam["passed"]),
                "passed_on": _date_text(exam["passed_on"]),
            }
            for exam in payload["exams"]
        ],
        "medical_education": {
            "school": None
            if school is None
            else {"name": _text(school["name"]), "country": _text(school["country"])},
            "graduation_year": None
            if education["graduation_year"] is None
            else int(education["graduation_year"]),
            "credential_status": _text(education["credential_status"]),
        },
    }


def json_bytes(document: dict[str, Any]) -> bytes:
    """UTF-8 JSON as the API's renderer writes it: compact, non-ASCII as is, U+2028/9 escaped."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode()


def webhook_body(report: StatusReport) -> bytes:
    """The same JSON a program gets from ``GET /api/v1/eras/reports/{id}/``."""
    return json_bytes(
        report_document(
            public_id=report.public_id,
            version=report.version,
            generated_at=report.generated_at,
            season=report.application.season,
            acgme_program_id=report.program.acgme_program_id,
            payload=report.payload,
        )
    )


def backoff_seconds(attempt: int) -> int:
    """Delay after failed attempt number ``attempt`` (1-based): by default 1 min, 4, 16, 64, ...
    capped at 6 hours (``settings.WEBHOOK_BACKOFF_SECONDS`` is the first delay)."""
    first = settings.WEBHOOK_BACKOFF_SECONDS
    return int(min(first * BACKOFF_FACTOR ** (attempt - 1), BACKOFF_CAP_SECONDS))


# One connection pool per worker process, a keep-alive pool per host: a fan-out to a
# program is hundreds of posts to the same receiver, and a TCP (and TLS) handshake per
# post cost more than the post. Created lazily and again after a fork (prefork children
# must not share their parent's sockets). urllib3 directly: requests' per-call session
# merging cost as much as the post on loopback, and it reads no proxy settings from the
# environment (the URL checked is the URL called).
_pool: tuple[int, urllib3.PoolManager] | None = None


def _http() -> urllib3.PoolManager:
    global _pool
    if _pool is None or _pool[0] != os.getpid():
        _pool = (
            os.getpid(),
            urllib3.PoolManager(
                num_pools=POOLED_HOSTS,
                maxsize=1,
                retries=False,
                timeout=urllib3.Timeout(connect=TIMEOUT[0], read=TIMEOUT[1]),
            ),
        )
    return _pool[1]


def _post(url: str, *, secret: str, delivery_id: str, body: bytes) -> tuple[int | None, str, bool]:
    """POST a signed body; returns (status code, error, permanent)."""
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-ECFMG-Event": "status_report",
        "X-ECFMG-Delivery": delivery_id,
        "X-ECFMG-Timestamp": timestamp,
        "X-ECFMG-Signature": "sha256=" + webhook_signature(secret=secret, timestamp=timestamp, body=body),
    }
    try:
        response = _http().request(
            "POST", url, body=body, headers=headers, redirect=False, retries=False, preload_content=False
        )
    except urllib3.exceptions.NewConnectionError as exc:  # before TimeoutError: it subclasses it
        return None, f"Connection failed ({type(exc).__name__}).", False
    except urllib3.exceptions.TimeoutError:
        return None, "Timed out.", False
    except (urllib3.exceptions.ProtocolError, urllib3.exceptions.SSLError, OSError) as exc:
        return None, f"Connection failed ({type(exc).__name__}).", False
    except (urllib3.exceptions.HTTPError, ValueError) as exc:
        return None, f"Request refused ({type(exc).__name__}).", True
    try:
        # Only the status matters. A short answer is read to its end so the connection goes
        # back to the pool; a long one is not waited for: that connection is dropped.
        response.read(MAX_ANSWER_BYTES, decode_content=False)
    except (urllib3.exceptions.HTTPError, OSError):
        pass
    finally:
        if not response.closed:
            response.close()
        response.release_conn()
    return response.status, "", False


@dataclass(frozen=True)
class BatchResult:
    """What one batch did: the outcome of each delivery it attempted, and for each one due
    again (a retry, or one put back unattempted) the seconds until it is due."""

    outcomes: dict[int, str]
    due_in: dict[int, float]

    def due_again(self) -> dict[float, list[int]]:
        """Deliveries to queue again, grouped by countdown (one task per group)."""
        groups: dict[float, list[int]] = defaultdict(list)
        for delivery_id, seconds in sorted(self.due_in.items()):
            groups[seconds].append(delivery_id)
        return dict(groups)


class _Claimed(NamedTuple):
    id: int
    public_id: str
    attempts: int
    attempt_limit: int
    report_id: int


class _Target(NamedTuple):
    public_id: uuid.UUID
    version: int
    generated_at: datetime.datetime
    payload: dict[str, Any]
    season: str
    acgme_program_id: str | None
    url: str
    secret: str
    active: bool


_KEEP = object()  # a field an outcome leaves as it is


def _claim(delivery_ids: Sequence[int], now: datetime.datetime) -> list[_Claimed]:
    """``pending`` -> ``sending`` for those of these deliveries that are due, in one statement
    (UPDATE ... RETURNING, PostgreSQL and SQLite alike): a duplicate or early task message,
    or one whose deliveries another worker holds, claims nothing. ``claimed_at`` = ``now`` is
    this batch's token: the record only writes rows still holding it."""
    table = connection.ops.quote_name(WebhookDelivery._meta.db_table)
    stamp = connection.ops.adapt_datetimefield_value(now)
    # Only the table name and the placeholders are formatted in; every value is a parameter.
    sql = (
        f"UPDATE {table} SET status = %s, attempts = attempts + 1, claimed_at = %s "  # noqa: S608
        f"WHERE id IN ({', '.join(['%s'] * len(delivery_ids))}) AND status = %s AND next_attempt_at <= %s "
        "RETURNING id, public_id, attempts, attempt_limit, report_id"
    )
    Status = WebhookDelivery.Status
    with connection.cursor() as cursor:
        cursor.execute(sql, [Status.SENDING, stamp, *delivery_ids, Status.PENDING, stamp])
        rows = cursor.fetchall()
    return sorted(
        _Claimed(pk, str(uuid.UUID(str(public_id))), attempts, limit, report_id)
        for pk, public_id, attempts, limit, report_id in rows
    )


def _targets(report_ids: Iterable[int]) -> dict[int, _Target]:
    """What to post and where, for the claimed reports: one query. The program's URL and
    secret are read now, not when the version was made (a rotated secret signs at once)."""
    rows = StatusReport.objects.filter(pk__in=list(report_ids)).values_list(
        "pk",
        "public_id",
        "version",
        "generated_at",
        "payload",
        "application__season",
        "program__acgme_program_id",
        "program__webhook_url",
        "program__webhook_secret",
        "program__is_active",
    )
    return {pk: _Target(*rest) for pk, *rest in rows}


def _attempt_outcome(
    claim: _Claimed, code: int | None, error: str, permanent: bool
) -> tuple[WebhookAttempt.Outcome, str]:
    if code is not None and 200 <= code < 300:
        return WebhookAttempt.Outcome.DELIVERED, error
    if code is not None and code not in RETRYABLE_CODES and code < 500:
        return WebhookAttempt.Outcome.FAILED, f"The receiver answered HTTP {code}."
    if permanent:
        return WebhookAttempt.Outcome.FAILED, error
    error = error or f"The receiver answered HTTP {code}."
    if claim.attempts >= claim.attempt_limit:
        return WebhookAttempt.Outcome.FAILED, error + f" Gave up after {claim.attempts} attempts."
    return WebhookAttempt.Outcome.RETRY, error


def webhook_deliveries_attempt(*, delivery_ids: Iterable[int]) -> BatchResult:
    """Make the next attempt of each of these deliveries that is due and not held elsewhere,
    over one keep-alive connection per receiver, and record every attempt.

    Fixed statements whatever the batch size: the claim, one read of the reports and
    programs, and the record (attempts inserted, deliveries updated, one transaction).
    A crash between claim and record leaves the batch ``sending``; the sweep sends it again
    with the same delivery ids (receivers deduplicate on them). Bounded in time so a claim
    never goes stale while its worker is alive: past ``BATCH_SECONDS`` the rest is put back,
    due now; and after a receiver could not be reached, the rest of its deliveries wait with
    the failed one for its retry instead of each timing out in turn.
    """
    ids = sorted(set(delivery_ids))
    if not ids:
        return BatchResult({}, {})
    claimed_at = timezone.now()
    claimed = _claim(ids, claimed_at)
    if not claimed:
        return BatchResult({}, {})
    targets = _targets({c.report_id for c in claimed})
    deadline = time.monotonic() + BATCH_SECONDS
    refusals: dict[str, str | None] = {}
    unreachable: dict[str, float] = {}  # url -> seconds until the failed attempt's retry
    attempted: list[
        tuple[_Claimed, str, datetime.datetime, int, int | None, str, WebhookAttempt.Outcome]
    ] = []
    put_back: dict[int, tuple[_Claimed, float]] = {}
    for claim in claimed:
        target = targets[claim.report_id]
        url = target.url
        if url in unreachable:
            put_back[claim.id] = (claim, unreachable[url])
            continue
        if time.monotonic() > deadline:
            put_back[claim.id] = (claim, 0.0)
            continue
        started = timezone.now()
        clock = time.monotonic()
        code: int | None = None
        if not url or not target.active:
            error, permanent = "The program has no webhook any more.", True
        elif not target.secret:
            error, permanent = "The program's webhook has no signing secret; configure it again.", True
        else:
            if url not in refusals:
                # SSRF: resolved again before each batch's first post to this URL.
                refusals[url] = webhook_url_refusal(url)
            if refusal := refusals[url]:
                error, permanent = refusal, True
            else:
                body = json_bytes(
                    report_document(
                        public_id=target.public_id,
                        version=target.version,
                        generated_at=target.generated_at,
                        season=target.season,
                        acgme_program_id=target.acgme_program_id,
                        payload=target.payload,
                    )
                )
                code, error, permanent = _post(
                    url, secret=target.secret, delivery_id=claim.public_id, body=body
                )
        duration_ms = int((time.monotonic() - clock) * 1000)
        outcome, error = _attempt_outcome(claim, code, error, permanent)
        if code is None and not permanent and outcome == WebhookAttempt.Outcome.RETRY:
            unreachable[url] = backoff_seconds(claim.attempts)
        attempted.append((claim, url, started, duration_ms, code, error, outcome))
    return _record(claimed_at, attempted, put_back)


def _record(
    claimed_at: datetime.datetime,
    attempted: list[tuple[_Claimed, str, datetime.datetime, int, int | None, str, WebhookAttempt.Outcome]],
    put_back: dict[int, tuple[_Claimed, float]],
) -> BatchResult:
    finished = timezone.now()
    Status, Outcome = WebhookDelivery.Status, WebhookAttempt.Outcome
    columns: dict[str, dict[int, Any]] = defaultdict(dict)
    outcomes: dict[int, str] = {}
    due_in: dict[int, float] = {}
    for claim, _url, _started, _ms, code, error, outcome in attempted:
        outcomes[claim.id] = str(outcome)
        columns["response_code"][claim.id] = code
        columns["last_error"][claim.id] = error
        if outcome == Outcome.DELIVERED:
            columns["status"][claim.id] = Status.DELIVERED
            columns["delivered_at"][claim.id] = finished
            columns["next_attempt_at"][claim.id] = None
        elif outcome == Outcome.RETRY:
            due_in[claim.id] = backoff_seconds(claim.attempts)
            columns["status"][claim.id] = Status.PENDING
            columns["next_attempt_at"][claim.id] = finished + datetime.timedelta(seconds=due_in[claim.id])
        else:
            columns["status"][claim.id] = Status.FAILED
            columns["next_attempt_at"][claim.id] = None
    for claim, seconds in put_back.values():
        # Not attempted: the claim's attempt is handed back.
        due_in[claim.id] = seconds
        columns["status"][claim.id] = Status.PENDING
        columns["attempts"][claim.id] = claim.attempts - 1
        columns["next_attempt_at"][claim.id] = finished + datetime.timedelta(seconds=seconds)
    ids = [claim.id for claim, *_ in attempted] + list(put_back)
    update = {name: _column_case(name, values, len(ids)) for name, values in columns.items()}
    attempts = [
        WebhookAttempt(
            delivery_id=claim.id,
            number=claim.attempts,
            url=url[:500],
            started_at=started,
            duration_ms=duration_ms,
            response_code=code,
            error=error,
            outcome=outcome,
        )
        for claim, url, started, duration_ms, code, error, outcome in attempted
    ]
    try:
        with transaction.atomic():
            written = WebhookDelivery.objects.filter(
                pk__in=ids, status=Status.SENDING, claimed_at=claimed_at
            ).update(claimed_at=None, **update)
            if written != len(ids):
                raise _ClaimLost
            WebhookAttempt.objects.bulk_create(attempts)
    except _ClaimLost:
        _record_one_by_one(claimed_at, attempts, ids, update_for=columns)
    for claim, _url, _started, _ms, code, _error, outcome in attempted:
        if outcome != Outcome.DELIVERED:
            logger.warning(
                "ERAS webhook delivery %s attempt %s: %s (HTTP %s)", claim.id, claim.attempts, outcome, code
            )
    return BatchResult(outcomes, due_in)


class _ClaimLost(Exception):
    """Some delivery of the batch no longer holds this batch's claim."""


def _record_one_by_one(
    claimed_at: datetime.datetime,
    attempts: list[WebhookAttempt],
    ids: list[int],
    *,
    update_for: dict[str, dict[int, Any]],
) -> None:
    """The rare path: a claim of the batch was taken over (the sweep found it stale and
    another worker claimed it). Each delivery still holding this claim is recorded; the
    others belong to their new claim, whose worker records them."""
    by_delivery = {attempt.delivery_id: attempt for attempt in attempts}
    for delivery_id in ids:
        values = {name: column[delivery_id] for name, column in update_for.items() if delivery_id in column}
        with transaction.atomic():
            written = WebhookDelivery.objects.filter(
                pk=delivery_id, status=WebhookDelivery.Status.SENDING, claimed_at=claimed_at
            ).update(claimed_at=None, **values)
            if written and delivery_id in by_delivery:
                by_delivery[delivery_id].save(force_insert=True)


def _column_case(name: str, values: dict[int, Any], rows: int) -> Any:
    """One column's new value per delivery as one expression: a WHEN per distinct value
    (a handful: most of a batch is "delivered", HTTP 204, no error), not per row."""
    field = WebhookDelivery._meta.get_field(name)
    assert isinstance(field, models.Field)
    groups: dict[Any, list[int]] = defaultdict(list)
    for delivery_id, value in values.items():
        groups[value].append(delivery_id)
    if len(groups) == 1 and len(values) == rows:
        [value] = groups
        return Value(value, output_field=field)
    return Case(
        *[When(pk__in=members, then=Value(value, output_field=field)) for value, members in groups.items()],
        default=F(name),
        output_field=field,
    )


def webhook_batches(deliveries: Iterable[tuple[int, int]], *, size: int = BATCH_SIZE) -> list[list[int]]:
    """``(delivery id, program id)`` pairs as batches of one program's deliveries, at most
    ``size`` each: a receiver that is slow or down then holds up only its own program."""
    by_program: dict[int, list[int]] = defaultdict(list)
    for delivery_id, program_id in deliveries:
        by_program[program_id].append(delivery_id)
    return [
        ids[start : start + size]
        for _, ids in sorted(by_program.items())
        for start in range(0, len(ids), size)
    ]


def webhook_deliveries_programs(delivery_ids: Sequence[int]) -> list[tuple[int, int]]:
    """``(delivery id, program id)`` of these deliveries, for ``webhook_batches``."""
    if not delivery_ids:
        return []
    return list(
        WebhookDelivery.objects.filter(pk__in=delivery_ids)
        .values_list("pk", "report__program_id")
        .order_by("pk")
    )


def webhook_delivery_attempt(*, delivery_id: int) -> AttemptResult:
    """Make the next attempt of one due delivery (a batch of one); do nothing if it is not
    due or another worker holds it."""
    result = webhook_deliveries_attempt(delivery_ids=[delivery_id])
    return AttemptResult(result.outcomes.get(delivery_id, "skipped"), result.due_in.get(delivery_id))


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
