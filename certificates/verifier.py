"""One verifier for a certificate PDF or a credential file (R-VE-4), used by the public
page, ``POST /api/v1/credentials/verify`` and ``manage.py verify_credential``.

The verdict is one of ``valid``, ``revoked``, ``altered``, ``unknown_issuer``,
``not_a_certificate``, with the list of what was checked. The issuer's DID
document and status lists come from a ``TrustSources`` the caller chooses (the
database on the portal; files or SITE_URL for the command), never from an
address the file names. Input is bounded: size, PDF pages and decoding (pyHanko's
limits for untrusted files), JSON nesting; JSON-LD contexts are the bundled ones.

Every sentence is kept as its English message with ``%(…)s`` placeholders and the
values apart: the API and the command give it in English (``detail``, ``headline``),
the public page in the reader's language (``Outcome.for_reader``).
"""

from __future__ import annotations

import datetime
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from ecfmg_portal.formatting import format_day

from .credential import (
    ATTACHMENT_NAME,
    CERTIFICATE_CONTEXT,
    CREDENTIAL_TYPE,
    ISSUER_KEYS,
    STATUS_KEYS,
    SUBJECT_KEYS,
    SUBJECT_TYPE,
    TOP_LEVEL_KEYS,
)
from .issuer import issuer_did
from .signing.data_integrity import ProofError, proof_of, verify_proof
from .signing.jsonld import CREDENTIALS_V2, JsonLdError
from .signing.multikey import MultikeyError, public_key_from_multibase
from .signing.pdf import SIGNATURE_FIELD, open_untrusted_pdf, pdf_signature_check
from .status_lists import bit_is_set, decode_bits

logger = logging.getLogger(__name__)

VALID = "valid"
REVOKED = "revoked"
ALTERED = "altered"
UNKNOWN_ISSUER = "unknown_issuer"
NOT_A_CERTIFICATE = "not_a_certificate"
VERDICTS = (VALID, REVOKED, ALTERED, UNKNOWN_ISSUER, NOT_A_CERTIFICATE)

HEADLINES = {
    VALID: gettext_noop(
        "Valid: this is a genuine Standard ECFMG Certificate, unchanged since ECFMG signed it, and not revoked."
    ),
    REVOKED: gettext_noop(
        "Revoked: ECFMG issued this certificate but has since revoked it. It no longer certifies this person."
    ),
    ALTERED: gettext_noop(
        "Altered: this file was changed after ECFMG signed it. Do not rely on what it says."
    ),
    UNKNOWN_ISSUER: gettext_noop(
        "Unknown issuer: this file was not signed by ECFMG, or with a key ECFMG does not stand behind."
    ),
    NOT_A_CERTIFICATE: gettext_noop(
        "Not a certificate: this file is not a Standard ECFMG Certificate or its credential."
    ),
}
REVOKED_ON_HEADLINE = gettext_noop(
    "Revoked: ECFMG issued this certificate but revoked it on %(day)s. It no longer certifies this person."
)

# The names of the checks (the API's "check" field), marked for the page's translation.
FILE = gettext_noop("file")
PDF = gettext_noop("PDF")
PDF_SIGNATURE = gettext_noop("PDF signature")
CREDENTIAL = gettext_noop("credential")
ISSUER = gettext_noop("issuer")
CONTENT = gettext_noop("content")
STATUS = gettext_noop("status")
STATUS_LIST = gettext_noop("status list")
DID_DOCUMENT = gettext_noop("DID document")

MAX_PDF_PAGES = 10
MAX_CREDENTIAL_BYTES = 64 * 1024
MAX_JSON_DEPTH = 12
MAX_ATTACHMENTS = 16
SIGNED_PDF_MARKS = (SIGNATURE_FIELD.encode(), b"/ByteRange", ATTACHMENT_NAME.encode())
STATUS_LIST_PATH = re.compile(r"^/credentials/status/(?P<name>[a-z0-9-]{1,32})/$")


class SourceUnavailable(RuntimeError):
    """The DID document or a status list could not be had (offline, no file given)."""


class TrustSources(Protocol):
    def did_document(self) -> dict[str, Any]: ...

    def status_list_credential(self, name: str) -> dict[str, Any]: ...

    def revoked_on(self, certificate_number: str) -> datetime.date | None: ...


def _fill(words: str, values: Mapping[str, object], *, translate: bool) -> str:
    """The sentence in English or the active language, with its values put in (dates
    written the way that language writes them)."""
    text = gettext(words) if translate else words
    if not values:
        return text
    if translate:
        # Each value isolated (FSI … PDI), so a key id, a timestamp or a date in Latin
        # script keeps its order inside right-to-left text.
        return text % {
            k: f"\u2068{format_day(v) if isinstance(v, datetime.date) else v}\u2069"
            for k, v in values.items()
        }
    with translation.override("en"):
        return text % {k: format_day(v) if isinstance(v, datetime.date) else v for k, v in values.items()}


@dataclass(frozen=True)
class Check:
    name: str  # English, marked for translation
    passed: bool
    words: str  # English, with %(…)s placeholders, marked for translation
    values: Mapping[str, object] = field(default_factory=dict)

    @property
    def detail(self) -> str:
        return _fill(self.words, self.values, translate=False)

    def as_dict(self) -> dict[str, Any]:
        return {"check": self.name, "passed": self.passed, "detail": self.detail}


class ReadableCheck(NamedTuple):
    name: str
    passed: bool
    detail: str


class ReadableOutcome(NamedTuple):
    """What the public page shows, in the reader's language."""

    verdict: str
    headline: str
    checks: list[ReadableCheck]
    credential: dict[str, Any] | None


@dataclass
class Outcome:
    verdict: str = NOT_A_CERTIFICATE
    checks: list[Check] = field(default_factory=list)
    credential: dict[str, Any] | None = None
    revoked_on: datetime.date | None = None

    def _headline(self, *, translate: bool) -> str:
        if self.verdict == REVOKED and self.revoked_on is not None:
            return _fill(REVOKED_ON_HEADLINE, {"day": self.revoked_on}, translate=translate)
        return _fill(HEADLINES[self.verdict], {}, translate=translate)

    @property
    def headline(self) -> str:
        return self._headline(translate=False)

    def for_reader(self) -> ReadableOutcome:
        """The verdict and the checks in the active language. Messages from the
        signature libraries have no translation and stay as they are."""
        checks = [
            ReadableCheck(gettext(c.name), c.passed, _fill(c.words, c.values, translate=True))
            for c in self.checks
        ]
        return ReadableOutcome(self.verdict, self._headline(translate=True), checks, self.credential)

    def check(self, name: str, passed: bool, words: str, **values: object) -> bool:
        self.checks.append(Check(name, passed, words, values))
        return passed

    def finish(self, verdict: str) -> Outcome:
        self.verdict = verdict
        return self

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "summary": self.headline,
            "revoked_on": self.revoked_on.isoformat() if self.revoked_on else None,
            "checks": [c.as_dict() for c in self.checks],
            "credential": self.credential,
        }


def _depth_ok(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return False
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return True


def parse_json(data: bytes) -> Any:
    """Bounded JSON: size, nesting. ``ValueError`` if it is not such JSON."""
    if len(data) > MAX_CREDENTIAL_BYTES:
        raise ValueError("larger than a credential")
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, RecursionError) as error:
        raise ValueError("not UTF-8 JSON") from error
    if not _depth_ok(value):
        raise ValueError("nested too deeply")
    return value


def _keys_ok(value: Any, allowed: frozenset[str]) -> bool:
    return isinstance(value, dict) and set(value) <= allowed


def _shape_ok(credential: dict[str, Any]) -> bool:
    """Exactly our credential's shape: nothing unsigned can hide in extra keys."""
    return (
        _keys_ok(credential, TOP_LEVEL_KEYS)
        and credential.get("@context") == CERTIFICATE_CONTEXT
        and _keys_ok(credential.get("issuer"), ISSUER_KEYS)
        and _keys_ok(credential.get("credentialSubject"), SUBJECT_KEYS)
        and credential["credentialSubject"].get("type") == SUBJECT_TYPE
        and all(isinstance(v, str) for v in credential["credentialSubject"].values())
        and _keys_ok(credential.get("credentialStatus"), STATUS_KEYS)
        and all(isinstance(v, str) for v in credential["credentialStatus"].values())
    )


def _issuer_id(credential: dict[str, Any]) -> str:
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else ""


class ProofCheckNames(NamedTuple):
    proof: str
    key: str
    signature: str


CREDENTIAL_PROOF = ProofCheckNames(
    gettext_noop("credential proof"), gettext_noop("credential key"), gettext_noop("credential signature")
)
STATUS_LIST_PROOF = ProofCheckNames(
    gettext_noop("status list proof"), gettext_noop("status list key"), gettext_noop("status list signature")
)


def _check_proof(
    outcome: Outcome, document: dict[str, Any], did_doc: dict[str, Any], names: ProofCheckNames
) -> str | None:
    """Check the proof's key against the DID document, then the signature. Returns
    None when both pass, else the verdict."""
    try:
        proof = proof_of(document)
    except ProofError as error:
        outcome.check(names.proof, False, str(error))
        return ALTERED
    method_id = proof["verificationMethod"]
    methods = {m.get("id"): m for m in did_doc.get("verificationMethod", []) if isinstance(m, dict)}
    method = methods.get(method_id)
    if method is None or method_id not in did_doc.get("assertionMethod", []):
        outcome.check(
            names.key,
            False,
            gettext_noop("Signed with a key that is not in ECFMG's DID document (did.json)."),
        )
        return UNKNOWN_ISSUER
    revoked = method.get("revoked")
    if isinstance(revoked, str) and proof["created"] >= revoked:
        outcome.check(
            names.key,
            False,
            gettext_noop("Signed on %(signed)s with a key ECFMG reported compromised from %(revoked)s."),
            signed=proof["created"],
            revoked=revoked,
        )
        return UNKNOWN_ISSUER
    try:
        public_key = public_key_from_multibase(str(method.get("publicKeyMultibase", "")))
    except MultikeyError:
        outcome.check(
            names.key, False, gettext_noop("The DID document lists this key in a form that cannot be read.")
        )
        return UNKNOWN_ISSUER
    outcome.check(
        names.key, True, gettext_noop("Signed with %(key)s, listed in ECFMG's DID document."), key=method_id
    )
    try:
        verify_proof(document, public_key)
    except ProofError as error:
        outcome.check(names.signature, False, str(error))
        return ALTERED
    except JsonLdError:
        outcome.check(
            names.signature, False, gettext_noop("The content cannot be canonicalized with ECFMG's contexts.")
        )
        return ALTERED
    outcome.check(
        names.signature, True, gettext_noop("The Ed25519 signature (eddsa-rdfc-2022) matches the content.")
    )
    return None


def _status_list_name(url: str) -> str | None:
    prefix = settings.SITE_URL + "/credentials/status/"
    if not url.startswith(prefix):
        return None
    match = STATUS_LIST_PATH.match(url[len(settings.SITE_URL) :])
    return match.group("name") if match else None


def _check_status(
    outcome: Outcome, credential: dict[str, Any], sources: TrustSources, did_doc: dict[str, Any]
) -> str | None:
    entry = credential["credentialStatus"]
    name = _status_list_name(entry.get("statusListCredential", ""))
    index_text = entry.get("statusListIndex", "")
    if (
        entry.get("type") != "BitstringStatusListEntry"
        or entry.get("statusPurpose") != "revocation"
        or name is None
    ):
        outcome.check(
            STATUS, False, gettext_noop("The revocation entry does not point to an ECFMG status list.")
        )
        return ALTERED
    if not index_text.isascii() or not index_text.isdigit() or len(index_text) > 9:
        outcome.check(STATUS, False, gettext_noop("The revocation entry has no valid index."))
        return ALTERED
    try:
        status_list = sources.status_list_credential(name)
    except SourceUnavailable as error:
        outcome.check(
            STATUS_LIST,
            False,
            gettext_noop("The revocation status could not be checked: %(error)s"),
            error=error,
        )
        return UNKNOWN_ISSUER
    if not (
        isinstance(status_list, dict)
        and status_list.get("id") == entry["statusListCredential"]
        and _issuer_id(status_list) == issuer_did()
        and (status_list.get("@context") or [None])[0] == CREDENTIALS_V2
        and "BitstringStatusListCredential" in (status_list.get("type") or [])
    ):
        outcome.check(
            STATUS_LIST, False, gettext_noop("The status list is not ECFMG's list for this certificate.")
        )
        return UNKNOWN_ISSUER
    failure = _check_proof(outcome, status_list, did_doc, STATUS_LIST_PROOF)
    if failure is not None:
        return failure
    subject = status_list.get("credentialSubject") or {}
    try:
        bits = decode_bits(subject.get("encodedList", ""))
        revoked = bit_is_set(bits, int(index_text))
    except ValueError:
        outcome.check(STATUS, False, gettext_noop("The status list cannot be read."))
        return UNKNOWN_ISSUER
    if revoked:
        number = credential["credentialSubject"].get("certificateNumber", "")
        outcome.revoked_on = sources.revoked_on(number)
        if outcome.revoked_on:
            outcome.check(
                STATUS,
                False,
                gettext_noop("ECFMG's public revocation list marks this certificate revoked on %(day)s."),
                day=outcome.revoked_on,
            )
        else:
            outcome.check(
                STATUS, False, gettext_noop("ECFMG's public revocation list marks this certificate revoked.")
            )
        return REVOKED
    outcome.check(
        STATUS,
        True,
        gettext_noop("Not revoked in ECFMG's public status list %(list)s (checked now)."),
        list=name,
    )
    return None


def verify_credential_document(
    credential: Any, sources: TrustSources, outcome: Outcome | None = None
) -> Outcome:
    """Verify a parsed credential: shape, issuer, key, signature, revocation."""
    outcome = outcome or Outcome()
    if not (
        isinstance(credential, dict)
        and isinstance(credential.get("type"), list)
        and "VerifiableCredential" in credential["type"]
        and CREDENTIAL_TYPE in credential["type"]
    ):
        outcome.check(CREDENTIAL, False, gettext_noop("This is not an ECFMG certificate credential."))
        return outcome.finish(NOT_A_CERTIFICATE)
    if _issuer_id(credential) != issuer_did():
        outcome.check(
            ISSUER,
            False,
            gettext_noop("Issued by %(issuer)s, not by ECFMG."),
            issuer=repr((_issuer_id(credential) or "nobody")[:80]),
        )
        return outcome.finish(UNKNOWN_ISSUER)
    outcome.check(ISSUER, True, gettext_noop("Issued by %(issuer)s (ECFMG)."), issuer=issuer_did())
    if not _shape_ok(credential):
        outcome.check(
            CONTENT, False, gettext_noop("The credential has fields or contexts ECFMG never signs.")
        )
        return outcome.finish(ALTERED)
    try:
        did_doc = sources.did_document()
    except SourceUnavailable as error:
        outcome.check(
            DID_DOCUMENT, False, gettext_noop("ECFMG's DID document could not be had: %(error)s"), error=error
        )
        return outcome.finish(UNKNOWN_ISSUER)
    failure = _check_proof(outcome, credential, did_doc, CREDENTIAL_PROOF)
    if failure is not None:
        return outcome.finish(failure)
    outcome.credential = {
        "id": credential.get("id"),
        "issuer": _issuer_id(credential),
        "valid_from": credential.get("validFrom"),
        **{k: v for k, v in credential["credentialSubject"].items() if k != "type"},
    }
    failure = _check_status(outcome, credential, sources, did_doc)
    return outcome.finish(failure or VALID)


def _attachment(reader: Any, name: str) -> bytes | None:
    """The embedded file called ``name`` (a flat name tree, as we write it)."""
    try:
        names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
    except (KeyError, TypeError):
        return None
    for position in range(0, min(len(names), 2 * MAX_ATTACHMENTS), 2):
        if str(names[position]) == name:
            stream = names[position + 1].get_object()["/EF"]["/F"].get_object()
            data = stream.data
            return bytes(data) if len(data) <= MAX_CREDENTIAL_BYTES else None
    return None


def _verify_pdf(data: bytes, sources: TrustSources, outcome: Outcome) -> Outcome:
    try:
        reader = open_untrusted_pdf(data)
        pages = int(reader.root["/Pages"]["/Count"])
    except Exception as error:  # any failure to parse a hostile file is "altered", never a 500
        logger.info("PDF could not be read: %s", type(error).__name__)
        outcome.check(PDF, False, gettext_noop("The file says it is a PDF but cannot be read as one."))
        return outcome.finish(ALTERED)
    if pages > MAX_PDF_PAGES:
        outcome.check(PDF, False, gettext_noop("%(pages)s pages: a certificate has one."), pages=pages)
        return outcome.finish(NOT_A_CERTIFICATE)
    try:
        signature = pdf_signature_check(reader, data)
    except Exception as error:  # a malformed signature dictionary is a changed file
        logger.info("PDF signature could not be read: %s", type(error).__name__)
        outcome.check(PDF_SIGNATURE, False, gettext_noop("The PDF's signature cannot be read."))
        return outcome.finish(ALTERED)
    if not signature.signed and any(mark in data for mark in SIGNED_PDF_MARKS):
        # Our signature field, its byte range or the attached credential is there, yet no
        # signature can be read: one changed byte broke its dictionary.
        outcome.check(
            PDF_SIGNATURE, False, gettext_noop("The PDF's signature was damaged after it was signed.")
        )
        return outcome.finish(ALTERED)
    if not signature.signed:
        outcome.check(PDF_SIGNATURE, False, gettext_noop("The PDF is not signed."))
        return outcome.finish(NOT_A_CERTIFICATE)
    if not (signature.intact and signature.covers_whole_file):
        outcome.check(PDF_SIGNATURE, False, gettext_noop("The PDF was changed after it was signed."))
        return outcome.finish(ALTERED)
    if not signature.trusted and signature.names_our_ca:
        outcome.check(PDF_SIGNATURE, False, gettext_noop("The signing certificate in the PDF was changed."))
        return outcome.finish(ALTERED)
    if not signature.trusted:
        outcome.check(
            PDF_SIGNATURE, False, gettext_noop("The PDF is signed, but not with ECFMG's certificate.")
        )
        return outcome.finish(UNKNOWN_ISSUER)
    outcome.check(
        PDF_SIGNATURE,
        True,
        gettext_noop(
            "Signed by %(signer)s on %(signed)s; intact; covers the whole file; "
            "the signing certificate chains to ECFMG's root."
        ),
        signer=signature.signer,
        signed=signature.signed_at,
    )
    try:
        attached = _attachment(reader, ATTACHMENT_NAME)
        credential = parse_json(attached) if attached is not None else None
    except Exception as error:
        logger.info("PDF attachment could not be read: %s", type(error).__name__)
        credential = None
    if credential is None:
        outcome.check(
            CREDENTIAL,
            False,
            gettext_noop("The PDF carries no certificate credential (a report or receipt?)."),
        )
        return outcome.finish(NOT_A_CERTIFICATE)
    outcome.check(
        CREDENTIAL, True, gettext_noop("The PDF carries its credential (%(file)s)."), file=ATTACHMENT_NAME
    )
    return verify_credential_document(credential, sources, outcome)


def verify_file(data: bytes, sources: TrustSources) -> Outcome:
    """Verify the bytes of a certificate PDF or a credential (JSON) file."""
    outcome = Outcome()
    if len(data) > settings.CREDENTIAL_VERIFY_MAX_BYTES:
        outcome.check(FILE, False, gettext_noop("The file is larger than any certificate."))
        return outcome.finish(NOT_A_CERTIFICATE)
    if data.lstrip()[:5] == b"%PDF-":
        return _verify_pdf(data, sources, outcome)
    try:
        credential = parse_json(data)
    except ValueError:
        outcome.check(FILE, False, gettext_noop("The file is neither a PDF nor a credential (JSON)."))
        return outcome.finish(NOT_A_CERTIFICATE)
    return verify_credential_document(credential, sources, outcome)
