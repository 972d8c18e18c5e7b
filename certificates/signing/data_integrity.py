"""W3C Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite
("Data Integrity EdDSA Cryptosuites v1.0", section 3.2), pure functions.

Signing: canonicalize the document without its proof and the proof options (with
the document's ``@context``) with RDFC-1.0; hash both with SHA-256; sign
``sha256(proof options) || sha256(document)`` with Ed25519; the proof value is the
base58btc multibase of the 64-byte signature. Verifying repeats the steps and
checks the signature against the public key the caller resolved for the proof's
``verificationMethod`` (the caller decides which keys to trust).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .jsonld import canonical_nquads
from .multikey import MultikeyError, multibase_decode, multibase_encode

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
ASSERTION_METHOD = "assertionMethod"


class ProofError(ValueError):
    """The proof is malformed or does not verify; the message says which, in plain words."""


@dataclass(frozen=True)
class HashData:
    """The intermediate values of the algorithm (the test vector checks each)."""

    canonical_document: str
    canonical_proof_config: str
    document_hash: bytes
    proof_config_hash: bytes

    @property
    def combined(self) -> bytes:
        return self.proof_config_hash + self.document_hash


def proof_configuration(document: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """The proof options to canonicalize: every proof property but ``proofValue``,
    with the document's ``@context`` (section 3.2.5)."""
    config = {k: v for k, v in options.items() if k != "proofValue"}
    if config.get("type") != PROOF_TYPE or config.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(f"The proof is not a {PROOF_TYPE} with the {CRYPTOSUITE} cryptosuite.")
    config["@context"] = document.get("@context")
    return config


def hash_data(document: dict[str, Any], options: dict[str, Any]) -> HashData:
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    canonical_document = canonical_nquads(unsecured)
    canonical_config = canonical_nquads(proof_configuration(unsecured, options))
    return HashData(
        canonical_document=canonical_document,
        canonical_proof_config=canonical_config,
        document_hash=hashlib.sha256(canonical_document.encode("utf-8")).digest(),
        proof_config_hash=hashlib.sha256(canonical_config.encode("utf-8")).digest(),
    )


def add_proof(
    document: dict[str, Any], *, key: Ed25519PrivateKey, verification_method: str, created: str
) -> dict[str, Any]:
    """``document`` with an ``eddsa-rdfc-2022`` proof for ``assertionMethod``."""
    options: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": ASSERTION_METHOD,
    }
    signature = key.sign(hash_data(document, options).combined)
    return {**document, "proof": {**options, "proofValue": multibase_encode(signature)}}


def proof_of(document: dict[str, Any]) -> dict[str, Any]:
    """The single proof of a secured document, or ``ProofError``."""
    proof = document.get("proof")
    if not isinstance(proof, dict):
        raise ProofError("The credential carries no single proof.")
    for name in ("type", "cryptosuite", "created", "verificationMethod", "proofPurpose", "proofValue"):
        if not isinstance(proof.get(name), str):
            raise ProofError(f"The proof has no {name}.")
    if proof["proofPurpose"] != ASSERTION_METHOD:
        raise ProofError("The proof is not made for assertions.")
    return proof


def verify_proof(document: dict[str, Any], public_key: Ed25519PublicKey) -> None:
    """Raise ``ProofError`` unless the document's proof verifies with ``public_key``."""
    proof = proof_of(document)
    try:
        signature = multibase_decode(proof["proofValue"])
    except MultikeyError as error:
        raise ProofError("The proof value is not base58btc.") from error
    if len(signature) != 64:
        raise ProofError("The proof value is not an Ed25519 signature.")
    data = hash_data(document, proof)
    try:
        public_key.verify(signature, data.combined)
    except InvalidSignature as error:
        raise ProofError("The signature does not match the content: it was changed after signing.") from error
