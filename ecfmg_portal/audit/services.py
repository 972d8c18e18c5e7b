"""Writing to and checking the audit trail."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from .models import AuditEntry

GENESIS_HASH = "0" * 64
# One row that every writer locks, so two transactions never chain onto the same tail.
_CHAIN_LOCK_KEY = "audit-chain"


def _canonical(value: Any) -> Any:
    return json.loads(json.dumps(value, sort_keys=True, default=str))


def entry_digest(
    *,
    sequence: int,
    at: str,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    previous_hash: str,
) -> str:
    payload = json.dumps(
        {
            "sequence": sequence,
            "at": at,
            "actor": actor_id,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "before": before,
            "after": after,
            "previous": previous_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


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
        at = timezone.now()
        object_type = obj._meta.label_lower
        object_id = str(obj.pk)
        digest = entry_digest(
            sequence=sequence,
            at=at.isoformat(),
            actor_id=actor_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            before=before_data,
            after=after_data,
            previous_hash=previous_hash,
        )
        return AuditEntry.objects.create(
            sequence=sequence,
            at=at,
            actor_id=actor_id,
            actor_label=_actor_label(actor, actor_id),
            action=action,
            object_type=object_type,
            object_id=object_id,
            before=before_data,
            after=after_data,
            previous_hash=previous_hash,
            entry_hash=digest,
        )


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
        digest = entry_digest(
            sequence=entry.sequence,
            at=entry.at.isoformat(),
            actor_id=entry.actor_id,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            before=entry.before,
            after=entry.after,
            previous_hash=entry.previous_hash,
        )
        if digest != entry.entry_hash:
            problems.append(ChainProblem(entry.sequence, "content was edited after it was written"))
        previous_hash = entry.entry_hash
        expected_sequence = entry.sequence + 1
    return problems
