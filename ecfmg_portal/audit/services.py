"""Writing to and checking the audit trail."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from .models import SCHEME_HMAC, AuditEntry

GENESIS_HASH = "0" * 64
# One row that every writer locks, so two transactions never chain onto the same tail.
_CHAIN_LOCK_KEY = "audit-chain"


def _canonical(value: Any) -> Any:
    return json.loads(json.dumps(value, sort_keys=True, default=str))


def audit_mac_key() -> bytes:
    """The chain's key (``AUDIT_HMAC_KEY``), held outside the database: whoever can write
    the table but not read the environment cannot compute a valid link."""
    return str(settings.AUDIT_HMAC_KEY).encode()


def entry_digest(
    *,
    sequence: int,
    at: str,
    actor_id: int | None,
    actor_label: str = "",
    action: str,
    object_type: str,
    object_id: str,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    previous_hash: str,
    scheme: str = SCHEME_HMAC,
) -> str:
    """The entry's link: HMAC-SHA256 over every field (``SCHEME_HMAC``), or, for entries
    written before the key existed, the plain SHA-256 without ``actor_label``."""
    fields: dict[str, Any] = {
        "sequence": sequence,
        "at": at,
        "actor": actor_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "before": before,
        "after": after,
        "previous": previous_hash,
    }
    if scheme == SCHEME_HMAC:
        fields["actor_label"] = actor_label
        fields["scheme"] = scheme
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str).encode()
    if scheme == SCHEME_HMAC:
        return hmac.new(audit_mac_key(), payload, hashlib.sha256).hexdigest()
    return hashlib.sha256(payload).hexdigest()


def _digest_of(entry: AuditEntry) -> str:
    return entry_digest(
        sequence=entry.sequence,
        at=entry.at.isoformat(),
        actor_id=entry.actor_id,
        actor_label=entry.actor_label,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        before=entry.before,
        after=entry.after,
        previous_hash=entry.previous_hash,
        scheme=entry.scheme,
    )


def audit_record(
    *,
    action: str,
    obj: models.Model,
    actor: Any = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the chain, inside the caller's transaction."""
    before_data = _canonical(dict(before or {}))
    after_data = _canonical(dict(after or {}))
    actor_id = (
        getattr(actor, "pk", None)
        if actor is not None and getattr(actor, "is_authenticated", False)
        else None
    )
    with transaction.atomic():
        _lock_chain()
        last = AuditEntry.objects.order_by("-sequence").values("sequence", "entry_hash").first()
        sequence = (last["sequence"] + 1) if last else 1
        previous_hash = last["entry_hash"] if last else GENESIS_HASH
        entry = AuditEntry(
            sequence=sequence,
            at=timezone.now(),
            actor_id=actor_id,
            actor_label=_actor_label(actor, actor_id),
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            before=before_data,
            after=after_data,
            previous_hash=previous_hash,
            scheme=SCHEME_HMAC,
        )
        entry.entry_hash = _digest_of(entry)
        entry.save()
        return entry


def _actor_label(actor: Any, actor_id: int | None) -> str:
    """Who, without personal data: the trail is append-only, so an e-mail address copied
    into it could never be erased. The ``actor`` foreign key leads to the person."""
    if actor_id is None:
        return "system"
    return f"{'staff' if getattr(actor, 'is_staff', False) else 'user'} #{actor_id}"


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [_CHAIN_LOCK_KEY])


@dataclass(frozen=True)
class ChainProblem:
    sequence: int
    problem: str


def audit_verify_chain(entries: Iterable[AuditEntry] | None = None) -> list[ChainProblem]:
    """Walk the chain in order; report every entry whose hash or link does not hold."""
    problems: list[ChainProblem] = []
    previous_hash = GENESIS_HASH
    expected_sequence = 1
    rows = entries if entries is not None else AuditEntry.objects.order_by("sequence").iterator()
    for entry in rows:
        if entry.sequence != expected_sequence:
            problems.append(
                ChainProblem(entry.sequence, f"expected entry #{expected_sequence}: missing or reordered")
            )
        if entry.previous_hash != previous_hash:
            problems.append(ChainProblem(entry.sequence, "does not link to the entry before it"))
        digest = _digest_of(entry)
        if digest != entry.entry_hash:
            problems.append(ChainProblem(entry.sequence, "content was edited after it was written"))
        previous_hash = entry.entry_hash
        expected_sequence = entry.sequence + 1
    return problems
