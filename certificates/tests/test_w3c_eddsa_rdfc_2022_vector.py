"""R-VE-4: our eddsa-rdfc-2022 implementation reproduces the test vector published in
W3C "Data Integrity EdDSA Cryptosuites v1.0" (w3c/vc-di-eddsa, TestVectors/
eddsa-rdfc-2022, commit abb673e), byte for byte: canonical forms, hashes, proof value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from certificates.signing import data_integrity
from certificates.signing.jsonld import ContextNotBundled, JsonLdError, canonical_nquads
from certificates.signing.multikey import (
    multibase_decode,
    private_key_from_multibase,
    public_key_from_multibase,
)

VECTOR = Path(__file__).parent / "fixtures" / "w3c_eddsa_rdfc_2022"


def text(name: str) -> str:
    return (VECTOR / name).read_text(encoding="utf-8")


def data(name: str):
    return json.loads(text(name))


@pytest.fixture
def key_pair():
    pair = data("keyPair.json")
    return private_key_from_multibase(pair["privateKeyMultibase"]), public_key_from_multibase(
        pair["publicKeyMultibase"]
    )


def test_the_canonical_document_and_proof_configuration_match_the_vector():
    signed = data("signedDataInt.json")
    hashes = data_integrity.hash_data(signed, signed["proof"])
    assert hashes.canonical_document == text("canonDocDataInt.txt")
    assert hashes.canonical_proof_config == text("proofCanonDataInt.txt")


def test_the_hashes_match_the_vector():
    signed = data("signedDataInt.json")
    hashes = data_integrity.hash_data(signed, signed["proof"])
    assert hashes.document_hash.hex() == text("docHashDataInt.txt").strip()
    assert hashes.proof_config_hash.hex() == text("proofHashDataInt.txt").strip()
    assert hashes.combined.hex() == text("combinedHashDataInt.txt").strip()


def test_the_proof_configuration_is_the_vectors():
    signed = data("signedDataInt.json")
    config = data_integrity.proof_configuration(data("unsigned.json"), signed["proof"])
    assert config == data("proofConfigDataInt.json")


def test_signing_with_the_published_key_gives_the_published_proof(key_pair):
    private_key, _ = key_pair
    expected = data("signedDataInt.json")
    signed = data_integrity.add_proof(
        data("unsigned.json"),
        key=private_key,
        verification_method=expected["proof"]["verificationMethod"],
        created=expected["proof"]["created"],
    )
    assert signed == expected
    assert signed["proof"]["proofValue"] == text("sigBTC58DataInt.txt").strip()
    signature = multibase_decode(signed["proof"]["proofValue"])
    assert signature.hex() == text("sigHexDataInt.txt").strip()


def test_the_published_credential_verifies_with_the_published_key(key_pair):
    _, public_key = key_pair
    data_integrity.verify_proof(data("signedDataInt.json"), public_key)


def test_a_changed_claim_of_the_published_credential_fails(key_pair):
    _, public_key = key_pair
    signed = data("signedDataInt.json")
    signed["credentialSubject"]["alumniOf"] = "The School of Counterfeits"
    with pytest.raises(data_integrity.ProofError):
        data_integrity.verify_proof(signed, public_key)


def test_a_context_that_is_not_bundled_is_refused_not_fetched():
    document = data("unsigned.json")
    document["@context"].append("https://attacker.example/context.jsonld")
    with pytest.raises(JsonLdError) as raised:
        canonical_nquads(document)
    chain = []
    error: BaseException | None = raised.value
    while error is not None:
        chain.append(error)
        error = error.__cause__ or getattr(error, "cause", None)
    assert any(isinstance(e, ContextNotBundled) for e in chain) or "not bundled" in repr(raised.value)


def test_contexts_shared_between_canonicalizations_never_change_the_result():
    """Resolved contexts are kept across operations (jsonld: tagged static). Canonicalizing
    a document that adds a context of its own in between must leave the vector's
    canonical form byte for byte, and must itself see its own term."""
    unsigned = {k: v for k, v in data("signedDataInt.json").items() if k != "proof"}
    expected = text("canonDocDataInt.txt")
    assert canonical_nquads(unsigned) == expected
    extended = {**unsigned, "@context": [*unsigned["@context"], {"motto": "https://example.org/motto"}]}
    extended["credentialSubject"] = {**unsigned["credentialSubject"], "motto": "Other"}
    assert "<https://example.org/motto>" in canonical_nquads(extended)
    assert canonical_nquads(unsigned) == expected
