"""Public revocation (R-VE-4): W3C Bitstring Status List v1.0.

Each certificate gets a random unused index (``secrets``, so the index says nothing
about the order of issue) in a list of at least 131,072 entries; a list is filled to
half at most, so a random draw finds a free index in a try or two, then the next
list opens. Revoking sets the certificate's bit in the revoking transaction.
The signed list credential is built per revision: the next request after a
revocation sees it (a cached copy is keyed by the revision).
"""

from __future__ import annotations

import base64
import datetime
import gzip
import hashlib
import io
import secrets
import zlib
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from .issuer import issuer_did, issuer_key_active, issuer_private_key, verification_method_id
from .models import Certificate, StatusList
from .signing.data_integrity import add_proof
from .signing.jsonld import CREDENTIALS_V2

PURPOSE = "revocation"
# Fill a list to this share at most: random draws then rarely collide.
MAX_FILL = 0.5
MAX_DRAWS = 64
# Largest decoded list a verifier accepts (a gzip bomb is refused): 16 MiB of bits.
MAX_DECODED_BYTES = 16 * 1024 * 1024


class StatusListFull(RuntimeError):
    """No free index found: only possible if MAX_FILL were raised near 1."""


def status_list_url(name: str) -> str:
    return settings.SITE_URL + reverse("credential_status_list", args=[name])


def encode_bits(bits: bytes) -> str:
    """``encodedList``: multibase base64url (``u``, no padding) of the GZIP-compressed bits."""
    compressed = gzip.compress(bits, compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def decode_bits(encoded: str, *, limit: int = MAX_DECODED_BYTES) -> bytes:
    """The raw bits of an ``encodedList``; ``ValueError`` if malformed or too large."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise ValueError("encodedList is not base64url multibase")
    body = encoded[1:]
    try:
        compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        data = gzip.GzipFile(fileobj=io.BytesIO(compressed)).read(limit + 1)
    except (OSError, EOFError, zlib.error) as error:
        raise ValueError("encodedList is not GZIP data") from error
    if len(data) > limit:
        raise ValueError("encodedList is too large")
    return data


def bit_is_set(bits: bytes, index: int) -> bool:
    """Index 0 is the left-most (most significant) bit of the first byte (§3.2)."""
    if index < 0 or index >= len(bits) * 8:
        raise ValueError("statusListIndex outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def with_bit_set(bits: bytes, index: int) -> bytes:
    changed = bytearray(bits)
    changed[index // 8] |= 0x80 >> (index % 8)
    return bytes(changed)


def _open_list() -> StatusList:
    """The list new certificates go to, locked (callers are inside a transaction):
    the latest one unless it is filled to MAX_FILL."""
    current = StatusList.objects.select_for_update().order_by("-pk").first()
    if current is not None:
        used = Certificate.objects.filter(status_list=current).count()
        if used < current.size * MAX_FILL:
            return current
    number = (current.pk if current else 0) + 1
    created = StatusList.objects.create(
        name=str(number), size=StatusList.MIN_SIZE, bits=bytes(StatusList.MIN_SIZE // 8)
    )
    return StatusList.objects.select_for_update().get(pk=created.pk)


def status_entry_draw() -> tuple[StatusList, int]:
    """A random unused (list, index), the list row locked until the caller's
    transaction ends, so two issues never draw the same index."""
    status_list = _open_list()
    for _ in range(MAX_DRAWS):
        index = secrets.randbelow(status_list.size)
        if not Certificate.objects.filter(status_list=status_list, status_index=index).exists():
            return status_list, index
    raise StatusListFull(f"No free index in status list {status_list.name}.")


def status_entry_set_revoked(*, certificate: Certificate) -> None:
    """Set the certificate's bit (call inside the revoking transaction)."""
    if certificate.status_list_id is None or certificate.status_index is None:
        return
    locked = StatusList.objects.select_for_update().get(pk=certificate.status_list_id)
    locked.bits = with_bit_set(bytes(locked.bits), certificate.status_index)
    locked.updated_at = timezone.now()
    locked.revision += 1
    locked.save(update_fields=["bits", "updated_at", "revision"])


def status_entry(certificate: Certificate) -> dict[str, Any]:
    """The ``credentialStatus`` of the certificate's credential."""
    assert certificate.status_list is not None and certificate.status_index is not None
    url = status_list_url(certificate.status_list.name)
    return {
        "id": f"{url}#{certificate.status_index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": PURPOSE,
        "statusListIndex": str(certificate.status_index),
        "statusListCredential": url,
    }


def _timestamp(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def status_list_credential(status_list: StatusList) -> dict[str, Any]:
    """The list as a signed ``BitstringStatusListCredential``; cached per revision and
    signing key, so it is signed once per change, and a change shows at once."""
    key = issuer_key_active()
    bits = bytes(status_list.bits)
    # Keyed by what is signed and who signs it, never by row ids alone (a test database
    # or a restored backup reuses ids): a stale copy can never be served.
    fingerprint = hashlib.sha256(
        f"{status_list.name}|{status_list.revision}|{status_list.updated_at.isoformat()}|"
        f"{key.public_key_multibase}|{settings.SITE_URL}|".encode()
        + bits
    ).hexdigest()
    cache_key = f"status-list:{fingerprint}"
    cached = cache.get(cache_key)
    if cached is not None:
        return dict(cached)
    url = status_list_url(status_list.name)
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did(),
        "validFrom": _timestamp(status_list.updated_at),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSE,
            "encodedList": encode_bits(bits),
            "ttl": settings.STATUS_LIST_MAX_AGE * 1000,
        },
    }
    signed = add_proof(
        credential,
        key=issuer_private_key(key),
        verification_method=verification_method_id(key),
        created=_timestamp(timezone.now()),
    )
    cache.set(cache_key, signed, timeout=24 * 3600)
    return signed
