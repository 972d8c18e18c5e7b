"""R-VE-4: a certificate can be verified without trusting the portal. A fresh certificate
verifies (PDF signature, credential proof, issuer DID, status); a changed claim, a
changed byte of the PDF, a key not in the DID document and a revoked certificate
each give their own verdict."""

from __future__ import annotations

import copy
import datetime
import hashlib
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.files.storage import default_storage

from certificates.credential import ATTACHMENT_NAME
from certificates.issuer import issuer_did, issuer_key_active
from certificates.models import Certificate
from certificates.services import certificate_revoke
from certificates.signing.data_integrity import add_proof
from certificates.signing.pdf import open_untrusted_pdf, pdf_signature_check
from certificates.trust_sources import PortalSources
from certificates.verifier import (
    ALTERED,
    NOT_A_CERTIFICATE,
    REVOKED,
    UNKNOWN_ISSUER,
    VALID,
    verify_file,
)
from ecfmg_portal.formatting import format_day

pytestmark = pytest.mark.django_db


def pdf_bytes(certificate: Certificate) -> bytes:
    with default_storage.open(certificate.pdf.name, "rb") as handle:
        return handle.read()


def verify(data: bytes):
    return verify_file(data, PortalSources())


def test_a_fresh_certificate_pdf_verifies_signature_proof_issuer_and_status(certificate):
    outcome = verify(pdf_bytes(certificate))
    assert outcome.verdict == VALID, outcome.checks
    checked = {c.name: c.passed for c in outcome.checks}
    assert checked == {
        "PDF signature": True,
        "credential": True,
        "issuer": True,
        "credential key": True,
        "credential signature": True,
        "status list key": True,
        "status list signature": True,
        "status": True,
    }
    assert outcome.credential is not None
    assert outcome.credential["nameOnDiploma"] == "María José Núñez-García"
    assert outcome.credential["certificateNumber"] == certificate.number
    assert outcome.credential["usmleId"] == certificate.applicant.usmle_id
    assert outcome.credential["examRequirementsMetOn"] == certificate.exam_requirements_met_on.isoformat()
    assert outcome.credential["dateEntered"] == certificate.issued_on.isoformat()
    assert outcome.credential["issuer"] == issuer_did()


def test_the_credential_file_on_its_own_verifies(certificate):
    assert verify(certificate.credential.encode()).verdict == VALID


def test_the_pdf_carries_the_credential_byte_for_byte(certificate):
    reader = open_untrusted_pdf(pdf_bytes(certificate))
    names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
    assert str(names[0]) == ATTACHMENT_NAME
    embedded = names[1].get_object()["/EF"]["/F"].get_object().data
    assert embedded == certificate.credential.encode()


def test_the_credential_states_what_the_certificate_states(certificate):
    credential = json.loads(certificate.credential)
    assert credential["type"] == ["VerifiableCredential", "ECFMGCertificateCredential"]
    assert credential["issuer"]["id"] == issuer_did()
    assert credential["credentialStatus"]["type"] == "BitstringStatusListEntry"
    assert credential["credentialStatus"]["statusListIndex"] == str(certificate.status_index)
    assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert credential["proof"]["verificationMethod"] == f"{issuer_did()}#{issuer_key_active().key_id}"


def test_pyhanko_reports_the_pdf_signature_intact_and_trusted(certificate):
    data = pdf_bytes(certificate)
    check = pdf_signature_check(open_untrusted_pdf(data), data)
    assert check.intact and check.trusted and check.covers_whole_file
    assert check.signer == "ECFMG Certification Portal"


def test_the_pdf_signature_carries_the_pades_signed_attributes(certificate):
    """PAdES B-B: content type, message digest and the ESS signing certificate (v2) that
    names the signer's certificate by its hash; no signing time (PAdES forbids it). The
    signing-certificate attribute is built once per process (pdf_keys), so this checks
    it names the certificate that actually signed."""
    data = pdf_bytes(certificate)
    embedded = open_untrusted_pdf(data).embedded_regular_signatures[-1]
    attrs = {a["type"].native: a["values"][0] for a in embedded.signer_info["signed_attrs"]}
    assert set(attrs) == {"content_type", "message_digest", "signing_certificate_v2"}
    (ess,) = attrs["signing_certificate_v2"]["certs"]
    signing_cert = embedded.signer_cert
    assert ess["cert_hash"].native == hashlib.sha256(signing_cert.dump()).digest()
    assert ess["issuer_serial"]["serial_number"].native == signing_cert.serial_number


def test_a_changed_claim_is_altered(certificate):
    credential = json.loads(certificate.credential)
    credential["credentialSubject"]["nameOnDiploma"] = "Someone Else"
    outcome = verify(json.dumps(credential).encode())
    assert outcome.verdict == ALTERED
    assert outcome.credential is None
    assert not {c.name: c.passed for c in outcome.checks}["credential signature"]


def test_a_changed_date_is_altered(certificate):
    credential = json.loads(certificate.credential)
    credential["credentialSubject"]["examRequirementsMetOn"] = "2020-01-01"
    assert verify(json.dumps(credential).encode()).verdict == ALTERED


def test_an_added_unsigned_field_is_altered(certificate):
    credential = json.loads(certificate.credential)
    credential["credentialSubject"]["specialty"] = "Neurosurgery"  # no term: JSON-LD would drop it
    assert verify(json.dumps(credential).encode()).verdict == ALTERED


@pytest.mark.parametrize("where", [0.02, 0.25, 0.5, 0.7, 0.72, 0.75, 0.78, 0.8, 0.97, -2])
def test_one_changed_byte_of_the_pdf_is_altered(certificate, where):
    data = bytearray(pdf_bytes(certificate))
    position = int(len(data) * where) if where > 0 else len(data) + where
    data[position] = (data[position] + 1) % 256
    assert verify(bytes(data)).verdict == ALTERED


@pytest.mark.parametrize("offset", [10, 200, 600, 1200, 2400, 3000, 5000, 8000])
def test_a_changed_byte_anywhere_in_the_signature_block_is_altered(certificate, offset):
    """The CMS container, the certificates in it (the CA's copy too) and its zero padding."""
    data = pdf_bytes(certificate)
    start = data.rindex(b"/Contents <") + len(b"/Contents <")
    changed = bytearray(data)
    changed[start + offset] = ord("1") if changed[start + offset] == ord("0") else ord("0")
    assert verify(bytes(changed)).verdict == ALTERED


def test_a_hex_digit_in_lower_case_is_altered(certificate):
    data = pdf_bytes(certificate)
    start = data.rindex(b"/Contents <") + len(b"/Contents <")
    position = next(i for i in range(start, start + 100) if data[i : i + 1] in b"ABCDEF")
    changed = bytearray(data)
    changed[position] = changed[position] + 32  # same byte value, different file
    assert verify(bytes(changed)).verdict == ALTERED


def test_a_key_not_in_the_did_document_is_unknown_issuer(certificate):
    credential = json.loads(certificate.credential)
    del credential["proof"]
    forged = add_proof(
        credential,
        key=Ed25519PrivateKey.generate(),
        verification_method=f"{issuer_did()}#key-forged",
        created="2026-11-25T12:00:00Z",
    )
    outcome = verify(json.dumps(forged).encode())
    assert outcome.verdict == UNKNOWN_ISSUER
    assert "not in ECFMG's DID document" in " ".join(c.detail for c in outcome.checks)


def test_another_issuer_is_unknown_issuer(certificate):
    credential = json.loads(certificate.credential)
    credential["issuer"]["id"] = "did:web:diploma-mill.example"
    assert verify(json.dumps(credential).encode()).verdict == UNKNOWN_ISSUER


def test_a_revoked_certificate_is_revoked_with_its_date(
    certificate, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(certificate=certificate, reason="Irregular behavior finding", actor=officer)
    certificate.refresh_from_db()
    for data in (pdf_bytes(certificate), certificate.credential.encode()):
        outcome = verify(data)
        assert outcome.verdict == REVOKED
        assert outcome.revoked_on == certificate.revoked_on
        assert format_day(certificate.revoked_on) in outcome.headline


def test_the_pdf_issued_before_revocation_is_revoked_too(certificate, officer):
    before = pdf_bytes(certificate)
    certificate_revoke(certificate=certificate, reason="Irregular behavior finding", actor=officer)
    assert verify(before).verdict == REVOKED


@pytest.mark.parametrize(
    "junk",
    [b"", b"hello", b"\x00" * 100, b"{}", b"[]", b'{"type": ["VerifiableCredential"]}', b"%PDF-1.7\n%%EOF\n"],
)
def test_junk_is_not_a_certificate_or_altered_never_an_error(junk):
    assert verify(junk).verdict in (NOT_A_CERTIFICATE, ALTERED)


def test_an_unsigned_pdf_is_not_a_certificate():
    from certificates.pdf import render_floor_pdf_bytes

    assert verify(render_floor_pdf_bytes()).verdict == NOT_A_CERTIFICATE


def test_deep_nesting_is_refused_without_recursion_errors():
    deep = b'{"a":' * 5000 + b"1" + b"}" * 5000
    assert verify(deep).verdict == NOT_A_CERTIFICATE


def test_a_context_the_portal_does_not_bundle_is_altered_and_not_fetched(certificate, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the verifier tried to fetch something")

    monkeypatch.setattr("socket.create_connection", no_network)
    credential = json.loads(certificate.credential)
    credential["@context"] = [*credential["@context"], "https://attacker.example/ctx.jsonld"]
    assert verify(json.dumps(credential).encode()).verdict == ALTERED


def test_a_status_list_url_elsewhere_is_never_fetched(certificate, monkeypatch):
    monkeypatch.setattr("socket.create_connection", lambda *a, **k: pytest.fail("fetched"))
    credential = copy.deepcopy(json.loads(certificate.credential))
    credential["credentialStatus"]["statusListCredential"] = "https://attacker.example/status/1"
    assert verify(json.dumps(credential).encode()).verdict == ALTERED


def test_verifying_is_the_same_on_another_day(certificate, time_machine):
    time_machine.move_to(datetime.datetime(2031, 1, 1, tzinfo=datetime.UTC))
    assert verify(pdf_bytes(certificate)).verdict == VALID
