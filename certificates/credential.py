"""The Standard ECFMG Certificate as a W3C Verifiable Credential (VC Data Model 2.0,
R-VE-4), secured with an ``eddsa-rdfc-2022`` Data Integrity proof by the issuer's
active key. Embedded in the certificate PDF and downloadable on its own.

The shape is fixed (``CERTIFICATE_CONTEXT`` and the keys below); the verifier
refuses any other, so no JSON-LD trick (a re-mapped term, a dropped unknown key)
can make a reader see a claim that was not signed.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.utils import timezone

from .issuer import (
    ISSUER_NAME,
    issuer_did,
    issuer_key_active,
    issuer_private_key,
    verification_method_id,
)
from .models import Certificate
from .pdf import verify_url
from .signing.data_integrity import add_proof
from .signing.jsonld import CERTIFICATE_CONTEXT_V1, CREDENTIALS_V2
from .status_lists import status_entry

CREDENTIAL_TYPE = "ECFMGCertificateCredential"
SUBJECT_TYPE = "ECFMGCertifiedPerson"
CERTIFICATE_CONTEXT = [CREDENTIALS_V2, CERTIFICATE_CONTEXT_V1]
CREDENTIAL_NAME = "Standard ECFMG Certificate"
TOP_LEVEL_KEYS = frozenset(
    {
        "@context",
        "id",
        "type",
        "name",
        "issuer",
        "validFrom",
        "credentialSubject",
        "credentialStatus",
        "proof",
    }
)
SUBJECT_KEYS = frozenset(
    {"type", "nameOnDiploma", "usmleId", "certificateNumber", "examRequirementsMetOn", "dateEntered"}
)
ISSUER_KEYS = frozenset({"id", "name"})
STATUS_KEYS = frozenset({"id", "type", "statusPurpose", "statusListIndex", "statusListCredential"})
ATTACHMENT_NAME = "ecfmg-certificate.vc.json"
MEDIA_TYPE = "application/vc+ld+json"


def _timestamp(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def certificate_credential_document(certificate: Certificate) -> dict[str, Any]:
    """The unsigned credential: what the certificate states, nothing more."""
    applicant = certificate.applicant
    valid_from = datetime.datetime.combine(certificate.issued_on, datetime.time(), tzinfo=datetime.UTC)
    return {
        "@context": list(CERTIFICATE_CONTEXT),
        # The public verification page of this certificate identifies it.
        "id": verify_url(certificate.verification_code),
        "type": ["VerifiableCredential", CREDENTIAL_TYPE],
        "name": CREDENTIAL_NAME,
        "issuer": {"id": issuer_did(), "name": ISSUER_NAME},
        "validFrom": _timestamp(valid_from),
        "credentialSubject": {
            "type": SUBJECT_TYPE,
            # R-ID-3: exactly as recorded from the diploma, given names first.
            "nameOnDiploma": applicant.full_name,
            "usmleId": applicant.usmle_id or "",
            "certificateNumber": certificate.number,
            "examRequirementsMetOn": certificate.exam_requirements_met_on.isoformat(),
            "dateEntered": certificate.issued_on.isoformat(),
        },
        "credentialStatus": status_entry(certificate),
    }


def certificate_credential_sign(certificate: Certificate) -> str:
    """The signed credential as JSON text (stored and embedded byte for byte)."""
    key = issuer_key_active()
    signed = add_proof(
        certificate_credential_document(certificate),
        key=issuer_private_key(key),
        verification_method=verification_method_id(key),
        created=_timestamp(timezone.now()),
    )
    return json.dumps(signed, ensure_ascii=False, indent=2)
