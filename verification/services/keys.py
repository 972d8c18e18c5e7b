"""Organizations and their API keys.

A key is ``secrets.token_urlsafe(32)`` (256 random bits), shown once and stored
only as its SHA-256: a fast hash is enough for a secret that long.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from ecfmg_portal.audit.services import audit_record
from ecfmg_portal.errors import DomainError

from ..models import ApiKey, Organization

KEY_PREFIX_LENGTH = 8
MIN_KEY_LENGTH = 32
# last_used_at is written at most once a minute per key: one cheap UPDATE, not one per request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


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
    if changed:
        api_key.revoked_at = now
    return bool(changed)


def api_key_authenticate(*, raw_key: str) -> ApiKey | None:
    """The active key with this secret (organization loaded), or None.

    One SELECT; plus one UPDATE of ``last_used_at`` when it is older than a minute.
    """
    if not raw_key or len(raw_key) > 200:
        return None
    api_key = (
        ApiKey.objects.select_related("organization")
        .filter(key_hash=api_key_hash(raw_key), revoked_at__isnull=True, organization__is_active=True)
        .first()
    )
    if api_key is None:
        return None
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key
