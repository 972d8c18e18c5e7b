"""The issuer's identity (R-VE-4): a ``did:web`` DID for ``SITE_URL``'s host and its
Ed25519 keys, rotated and, when needed, marked compromised.

- ``issuer_did()``: ``did:web:<host>`` (a port is written ``%3A<port>``); the document
  is served at ``/.well-known/did.json`` and built by ``did_document()``.
- ``issuer_key_active()``: the key that signs new credentials, created on first use.
- ``issuer_key_rotate``: a new key becomes active; the old one is retired but stays in
  the document, so everything it signed still verifies.
- ``issuer_key_mark_compromised``: anything the key signed from that moment on fails
  verification (the document lists the key with ``revoked``; verifiers compare the
  proof's ``created``). A compromised active key is rotated first.

Secret keys are stored encrypted (Fernet) under ``CREDENTIAL_KEY_SECRET``; in
development that secret is derived from ``SECRET_KEY``.
"""

from __future__ import annotations

import base64
import datetime
import functools
import hashlib
import secrets
from typing import Any
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone

from ecfmg_portal.audit.services import audit_record
from ecfmg_portal.errors import Conflict, DomainError

from .models import IssuerKey
from .signing.multikey import (
    private_key_from_multibase,
    private_key_to_multibase,
    public_key_to_multibase,
)

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
ISSUER_NAME = "Educational Commission for Foreign Medical Graduates"


def issuer_did() -> str:
    """``did:web`` of SITE_URL's host (did:web spec §3.1: the port's colon percent-encoded)."""
    parts = urlsplit(settings.SITE_URL)
    host = parts.hostname or "localhost"
    return "did:web:" + (f"{host}%3A{parts.port}" if parts.port else host)


def verification_method_id(key: IssuerKey) -> str:
    return f"{issuer_did()}#{key.key_id}"


@functools.cache
def _fernet(secret: str, fallback: str) -> Fernet:
    if secret:
        try:
            return Fernet(secret.encode())
        except ValueError as error:
            raise ImproperlyConfigured(
                "Environment variable CREDENTIAL_KEY_SECRET is malformed: expected a Fernet key "
                "(32 url-safe base64-encoded bytes)."
            ) from error
    derived = hashlib.sha256(b"ecfmg issuer keys|" + fallback.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def _cipher() -> Fernet:
    return _fernet(settings.CREDENTIAL_KEY_SECRET, settings.SECRET_KEY)


def issuer_private_key(key: IssuerKey) -> Ed25519PrivateKey:
    try:
        secret = _cipher().decrypt(key.private_key_encrypted.encode()).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured(
            f"Issuer key {key.key_id} cannot be decrypted: CREDENTIAL_KEY_SECRET is not the one it was stored with."
        ) from error
    return private_key_from_multibase(secret)


def _new_key(*, active: bool) -> IssuerKey:
    private = Ed25519PrivateKey.generate()
    return IssuerKey.objects.create(
        key_id=f"key-{timezone.now():%Y%m%d}-{secrets.token_hex(3)}",
        public_key_multibase=public_key_to_multibase(private.public_key()),
        private_key_encrypted=_cipher().encrypt(private_key_to_multibase(private).encode()).decode(),
        active=active,
    )


def issuer_key_active() -> IssuerKey:
    """The key that signs new credentials; the first one is created on first use."""
    key = IssuerKey.objects.filter(active=True).first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            key = _new_key(active=True)
            audit_record(action="issuer_key.created", obj=key, after={"key_id": key.key_id})
            return key
    except IntegrityError:
        # Another process created it first (one active key is a database constraint).
        return IssuerKey.objects.get(active=True)


def _may_manage(actor: Any) -> bool:
    return bool(
        getattr(actor, "is_authenticated", False) and actor.has_perm("certificates.manage_issuer_keys")
    )


def issuer_key_rotate(*, actor: Any | None = None) -> IssuerKey:
    """Retire the active key and make a new one active; returns the new key.
    ``actor`` None means an operator on the command line (audited as such)."""
    if actor is not None and not _may_manage(actor):
        raise DomainError("not_allowed", "Only a certificate officer or administrator can rotate keys.")
    with transaction.atomic():
        current = IssuerKey.objects.select_for_update().filter(active=True).first()
        now = timezone.now()
        if current is not None:
            current.active = False
            current.retired_at = now
            current.save(update_fields=["active", "retired_at"])
        new = _new_key(active=True)
        audit_record(
            action="issuer_key.rotated",
            obj=new,
            actor=actor,
            before={"active": current.key_id if current else None},
            after={"active": new.key_id},
        )
    return new


def issuer_key_mark_compromised(
    *, key: IssuerKey, since: datetime.datetime, actor: Any | None = None
) -> IssuerKey:
    """From ``since`` on, nothing signed with ``key`` verifies. An active key is rotated
    out first, so new credentials are signed with a fresh key."""
    if actor is not None and not _may_manage(actor):
        raise DomainError(
            "not_allowed", "Only a certificate officer or administrator can mark a key compromised."
        )
    if timezone.is_naive(since):
        raise DomainError("aware_datetime_required", "Give the compromise time with its time zone.")
    if since < key.created_at:
        since = key.created_at
    with transaction.atomic():
        locked = IssuerKey.objects.select_for_update().get(pk=key.pk)
        if locked.compromised_since is not None and locked.compromised_since <= since:
            raise Conflict("already_compromised", f"Key {locked.key_id} is already marked compromised.")
        if locked.active:
            issuer_key_rotate(actor=actor)
            locked.refresh_from_db()
        locked.compromised_since = since
        locked.save(update_fields=["compromised_since"])
        audit_record(
            action="issuer_key.compromised",
            obj=locked,
            actor=actor,
            after={"key_id": locked.key_id, "compromised_since": since.isoformat()},
        )
    return locked


def _timestamp(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def did_document() -> dict[str, Any]:
    """The issuer's DID document: every key ever used (so old credentials verify), the
    compromised ones with ``revoked`` (Controlled Identifiers v1.0, §2.2)."""
    issuer_key_active()
    did = issuer_did()
    methods: list[dict[str, Any]] = []
    for key in IssuerKey.objects.order_by("created_at", "pk"):
        method: dict[str, Any] = {
            "id": verification_method_id(key),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.public_key_multibase,
        }
        if key.compromised_since is not None:
            method["revoked"] = _timestamp(key.compromised_since)
        methods.append(method)
    ids = [m["id"] for m in methods]
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "alsoKnownAs": [settings.SITE_URL],
        "verificationMethod": methods,
        "assertionMethod": ids,
    }
