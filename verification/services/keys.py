"""Organizations and their API keys.

A key is ``secrets.token_urlsafe(32)`` (256 random bits), shown once and stored
only as its SHA-256: a fast hash is enough for a secret that long.

Every API request authenticates, so each process keeps the keys it has recently
seen (with their organization) instead of reading them every time. The copy is only
trusted while a generation number in the shared cache is unchanged: revoking a key
or changing a key or an organization in any way bumps it (after commit), so every
process reads the database again on its next request. A revoked key is refused from
the next request on, in every process, as before.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
import time
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from ecfmg_portal import counters
from ecfmg_portal.audit.services import audit_record
from ecfmg_portal.errors import DomainError

from ..models import ApiKey, Organization

KEY_PREFIX_LENGTH = 8
MIN_KEY_LENGTH = 32
# last_used_at is written at most once a minute per key: one cheap UPDATE, not one per request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)
# A process re-reads a key it has cached at least this often, even with no change
# announced (a change made outside the services, straight in SQL, heals by then).
KEY_CACHE_SECONDS = 60
KEYS_GENERATION = "verification-api-keys"

# key hash -> (generation it was read under, monotonic time read, the key)
_recent_keys: dict[str, tuple[int, float, ApiKey]] = {}


def api_keys_changed() -> None:
    """Announce that a key or an organization changed: every process's copy of the
    keys is dropped at its next request. Bumped now, and again after commit: a process
    that re-read the old row in between (and cached it under the new number) drops it
    once more."""
    _bump_generation()
    transaction.on_commit(_bump_generation)


def _bump_generation() -> None:
    counters.generation_bump(KEYS_GENERATION)


def api_keys_forget() -> None:
    """Drop this process's copy (tests: each starts with a fresh database)."""
    _recent_keys.clear()


def api_key_hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def organization_get_or_create(*, name: str, kind: str, actor: Any = None) -> tuple[Organization, bool]:
    """The organization of that name, created with ``kind`` if absent. An existing one
    of another kind is refused rather than silently given keys of the wrong right."""
    name = " ".join(name.split())
    if not name:
        raise DomainError("organization_name_required", "Give the organization a name.", field="name")
    if kind not in Organization.Kind.values:
        raise DomainError(
            "invalid_kind",
            "Kind must be one of: " + ", ".join(Organization.Kind.values) + ".",
            field="kind",
        )
    existing = Organization.objects.filter(name=name).first()
    if existing is not None:
        if existing.kind != kind:
            raise DomainError(
                "organization_kind_mismatch",
                f"The organization exists with kind {existing.kind}, not {kind}.",
                field="kind",
            )
        return existing, False
    try:
        with transaction.atomic():
            organization = Organization.objects.create(name=name, kind=kind)
            audit_record(action="organization.created", obj=organization, actor=actor, after={"kind": kind})
    except IntegrityError:
        return organization_get_or_create(name=name, kind=kind, actor=actor)
    return organization, True


def api_key_issue(
    *, organization: Organization, name: str = "", actor: Any = None, raw_key: str | None = None
) -> tuple[ApiKey, str]:
    """Create a key and return it with the only copy of its secret.

    ``raw_key`` lets the demo loader use a documented key; anything else leaves it
    out and gets 256 random bits.
    """
    if raw_key is None:
        raw_key = secrets.token_urlsafe(32)
    elif len(raw_key) < MIN_KEY_LENGTH:
        raise DomainError("key_too_short", f"A key has at least {MIN_KEY_LENGTH} characters.")
    if not organization.is_active:
        raise DomainError("organization_inactive", "The organization is deactivated.")
    with transaction.atomic():
        api_key = ApiKey.objects.create(
            organization=organization,
            name=name,
            prefix=raw_key[:KEY_PREFIX_LENGTH],
            key_hash=api_key_hash(raw_key),
        )
        audit_record(
            action="api_key.issued",
            obj=api_key,
            actor=actor,
            after={"organization": organization.pk, "prefix": api_key.prefix},
        )
    return api_key, raw_key


def api_key_revoke(*, api_key: ApiKey, actor: Any = None) -> bool:
    """Revoke a key; it is refused from the next request on. Idempotent: revoking a
    revoked key changes nothing and returns False."""
    now = timezone.now()
    with transaction.atomic():
        changed = ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(revoked_at=now)
        if changed:
            audit_record(action="api_key.revoked", obj=api_key, actor=actor, after={"revoked_at": now})
            api_keys_changed()
    if changed:
        api_key.revoked_at = now
    return bool(changed)


def api_key_authenticate(*, raw_key: str, generation: int | None = None) -> ApiKey | None:
    """The active key with this secret (organization loaded), or None.

    One read of the shared generation (none when the caller read it already, along
    with the rate-limit hit); one SELECT when this process has not seen the key under
    it; one UPDATE of ``last_used_at`` when that is a minute old.
    """
    if not raw_key or len(raw_key) > 200:
        return None
    key_hash = api_key_hash(raw_key)
    if generation is None:
        generation = counters.generation(KEYS_GENERATION)
    seen = _recent_keys.get(key_hash)
    if seen is not None and seen[0] == generation and time.monotonic() - seen[1] < KEY_CACHE_SECONDS:
        api_key = seen[2]
    else:
        found = (
            ApiKey.objects.select_related("organization")
            .filter(key_hash=key_hash, revoked_at__isnull=True, organization__is_active=True)
            .first()
        )
        if found is None:
            _recent_keys.pop(key_hash, None)
            return None
        api_key = found
        _recent_keys[key_hash] = (generation, time.monotonic(), api_key)
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key
