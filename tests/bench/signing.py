"""Signing and verifying one certificate (R-VE-4) beside its render time: the PAdES
signature with the credential attached, the eddsa-rdfc-2022 proof, and checking both.
Runs without the database: the credential is built from sample content and signed
with a fresh Ed25519 key; the PDF is signed with the configured (or development) key."""

from __future__ import annotations

import datetime
import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certificates.credential import ATTACHMENT_NAME, CERTIFICATE_CONTEXT, CREDENTIAL_TYPE, MEDIA_TYPE
from certificates.pdf import CERTIFICATE_SIGNATURE_BOX, render_certificate_pdf_bytes
from certificates.signing.data_integrity import add_proof, verify_proof
from certificates.signing.pdf import Attachment, open_untrusted_pdf, pdf_signature_check, sign_pdf

from .common import BenchResult, median_ms, profile_top, timed
from .pdf import _content

REPEAT = 15
SIGN_TARGET_MS = 20.0
VERIFY_TARGET_MS = 20.0
DID = "did:web:bench.example"


def _credential(content) -> dict:
    return {
        "@context": list(CERTIFICATE_CONTEXT),
        "id": content.verify_url,
        "type": ["VerifiableCredential", CREDENTIAL_TYPE],
        "name": "Standard ECFMG Certificate",
        "issuer": {"id": DID, "name": "Educational Commission for Foreign Medical Graduates"},
        "validFrom": f"{content.issued_on.isoformat()}T00:00:00Z",
        "credentialSubject": {
            "type": "ECFMGCertifiedPerson",
            "nameOnDiploma": content.full_name,
            "usmleId": content.usmle_id,
            "certificateNumber": content.number,
            "examRequirementsMetOn": content.exam_requirements_met_on.isoformat(),
            "dateEntered": content.issued_on.isoformat(),
        },
        "credentialStatus": {
            "id": "https://bench.example/credentials/status/1/#4711",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "4711",
            "statusListCredential": "https://bench.example/credentials/status/1/",
        },
    }


def bench_signing() -> BenchResult:
    result = BenchResult(
        "signing", "Signing and verifying one certificate (PAdES PDF, eddsa-rdfc-2022 credential)"
    )
    content = _content()
    key = Ed25519PrivateKey.generate()
    created = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    document = _credential(content)

    def sign_credential() -> dict:
        return add_proof(document, key=key, verification_method=f"{DID}#key-1", created=created)

    signed = sign_credential()  # warm: contexts parsed and cached
    credential_bytes = json.dumps(signed, ensure_ascii=False, indent=2).encode()
    pdf = render_certificate_pdf_bytes(content)
    attachment = Attachment(ATTACHMENT_NAME, credential_bytes, MEDIA_TYPE, "credential")

    def sign_certificate_pdf() -> bytes:
        return sign_pdf(pdf, reason="bench", box=CERTIFICATE_SIGNATURE_BOX, attachments=[attachment])

    signed_pdf = sign_certificate_pdf()

    def check_pdf() -> None:
        assert pdf_signature_check(open_untrusted_pdf(signed_pdf), signed_pdf).ok

    render_ms = median_ms(timed(lambda: render_certificate_pdf_bytes(content), 5))
    sign_pdf_ms = median_ms(timed(sign_certificate_pdf, REPEAT))
    sign_vc_ms = median_ms(timed(sign_credential, REPEAT))
    verify_vc_ms = median_ms(timed(lambda: verify_proof(signed, key.public_key()), REPEAT))
    verify_pdf_ms = median_ms(timed(check_pdf, REPEAT))
    signing_ms = sign_pdf_ms + sign_vc_ms
    result.add("render (WeasyPrint), median", f"{render_ms:.0f} ms")
    result.add("PAdES signature with the credential attached, median", f"{sign_pdf_ms:.1f} ms")
    result.add("credential proof (RDFC-1.0 + Ed25519), median", f"{sign_vc_ms:.1f} ms")
    result.add(
        "signing adds (PDF + credential)",
        f"{signing_ms:.1f} ms",
        f"< {SIGN_TARGET_MS:.0f} ms",
        signing_ms < SIGN_TARGET_MS,
    )
    result.add(
        "verifying the credential's proof, median",
        f"{verify_vc_ms:.1f} ms",
        f"< {VERIFY_TARGET_MS:.0f} ms",
        verify_vc_ms < VERIFY_TARGET_MS,
    )
    result.add("verifying the PDF signature (pyHanko, no fetching), median", f"{verify_pdf_ms:.1f} ms")
    result.add(
        "signed certificate PDF size", f"{len(signed_pdf) / 1024:.0f} KiB (unsigned {len(pdf) / 1024:.0f})"
    )
    result.profile = profile_top(sign_certificate_pdf, limit=14)
    result.notes.append(
        f"Median of {REPEAT} runs each in one warm process; the profile is one PAdES signature. "
        "The credential proof canonicalizes the document and the proof options (PyLD, bundled "
        "contexts cached per process) and signs 64 bytes with Ed25519."
    )
    return result
