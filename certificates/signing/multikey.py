"""Ed25519 keys as Multikey values (W3C Controlled Identifiers v1.0, "Multikey"):
base58btc multibase (``z`` prefix) of a multicodec header and the raw key.

``z6Mk…`` is an Ed25519 public key (header ``0xed 0x01``); ``z3u2…`` an Ed25519
secret key (header ``0x80 0x26``), as in the W3C test vectors.
"""

from __future__ import annotations

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ED25519_PUBLIC_HEADER = b"\xed\x01"
ED25519_SECRET_HEADER = b"\x80\x26"
BASE58BTC = "z"
RAW = serialization.Encoding.Raw


class MultikeyError(ValueError):
    """Not a base58btc Multikey of the expected kind."""


def multibase_decode(value: str) -> bytes:
    if not isinstance(value, str) or not value.startswith(BASE58BTC) or len(value) > 256:
        raise MultikeyError("expected a base58btc multibase value (z…)")
    try:
        return base58.b58decode(value[1:])
    except ValueError as error:
        raise MultikeyError("not base58btc") from error


def multibase_encode(data: bytes) -> str:
    return BASE58BTC + base58.b58encode(data).decode("ascii")


def public_key_to_multibase(key: Ed25519PublicKey) -> str:
    return multibase_encode(ED25519_PUBLIC_HEADER + key.public_bytes(RAW, serialization.PublicFormat.Raw))


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    raw = multibase_decode(value)
    if not raw.startswith(ED25519_PUBLIC_HEADER) or len(raw) != 34:
        raise MultikeyError("not an Ed25519 public key")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def private_key_to_multibase(key: Ed25519PrivateKey) -> str:
    seed = key.private_bytes(RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    return multibase_encode(ED25519_SECRET_HEADER + seed)


def private_key_from_multibase(value: str) -> Ed25519PrivateKey:
    raw = multibase_decode(value)
    if not raw.startswith(ED25519_SECRET_HEADER) or len(raw) != 34:
        raise MultikeyError("not an Ed25519 secret key")
    return Ed25519PrivateKey.from_private_bytes(raw[2:])
