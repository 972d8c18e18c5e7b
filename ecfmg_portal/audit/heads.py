"""The chain's head, kept outside the audit table.

Cutting the newest entries (or TRUNCATE by a table owner) leaves a valid, shorter
chain; only a copy of the head kept elsewhere shows what is missing. Every few
minutes (beat: ``audit_head_record_task``) the head is written to the log and to
file storage (``AUDIT_HEAD_PREFIX``; in production an S3 bucket, ideally with object
lock) as a small JSON file MACed with the chain key, so a head file cannot be
forged or edited without the key either. ``verify_audit_log`` then requires that
the newest recorded head is still in the table with the same hash.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from .models import AuditEntry
from .services import audit_mac_key

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecordedHead:
    sequence: int
    entry_hash: str


def _mac(sequence: int, entry_hash: str) -> str:
    return hmac.new(audit_mac_key(), f"head:{sequence}:{entry_hash}".encode(), hashlib.sha256).hexdigest()


def _name(sequence: int) -> str:
    # Zero-padded so that the newest head sorts last in any storage listing.
    return f"{settings.AUDIT_HEAD_PREFIX}head-{sequence:015d}.json"


def audit_head_record() -> RecordedHead | None:
    """Copy the current head out of the table; None while the log is empty."""
    head = AuditEntry.objects.order_by("-sequence").values("sequence", "entry_hash").first()
    if head is None:
        return None
    sequence, entry_hash = int(head["sequence"]), str(head["entry_hash"])
    logger.info("audit head %s:%s", sequence, entry_hash)
    name = _name(sequence)
    if not default_storage.exists(name):
        body = {
            "sequence": sequence,
            "entry_hash": entry_hash,
            "recorded_at": timezone.now().isoformat(),
            "mac": _mac(sequence, entry_hash),
        }
        default_storage.save(name, ContentFile(json.dumps(body).encode()))
    return RecordedHead(sequence, entry_hash)


def audit_heads_recorded_latest() -> tuple[RecordedHead | None, list[str]]:
    """The newest head file whose MAC holds, and a problem line for each one that does not."""
    prefix = settings.AUDIT_HEAD_PREFIX.rstrip("/")
    try:
        _, files = default_storage.listdir(prefix)
    except FileNotFoundError:
        return None, []
    problems: list[str] = []
    for name in sorted((f for f in files if f.startswith("head-") and f.endswith(".json")), reverse=True):
        try:
            with default_storage.open(f"{prefix}/{name}") as handle:
                body = json.loads(handle.read(4096))
            sequence, entry_hash = int(body["sequence"]), str(body["entry_hash"])
        except (OSError, ValueError, KeyError, TypeError):
            problems.append(f"recorded head {name}: unreadable")
            continue
        if not hmac.compare_digest(str(body.get("mac", "")), _mac(sequence, entry_hash)):
            problems.append(f"recorded head {name}: its MAC does not hold (forged or edited)")
            continue
        return RecordedHead(sequence, entry_hash), problems
    return None, problems
