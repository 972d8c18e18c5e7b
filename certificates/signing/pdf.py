"""PAdES signatures on the portal's PDFs (R-VE-4), with pyHanko.

``sign_pdf`` is the one signing function: certificates, CVS reports and receipts
all go through it. The signature is PAdES baseline B-B, or B-T when
``PDF_SIGNING_TSA_URL`` names a timestamp authority; it covers the whole file,
attachments included (the certificate's Verifiable Credential is attached before
signing), and shows a visible block naming the signer.

``pdf_signature_check`` reads a PDF someone hands us, within decoding limits
meant for untrusted input, and reports whether its last signature is intact,
covers the whole file and chains to our trust roots. Nothing is fetched: no
revocation lookups, no URLs from the file.
"""

from __future__ import annotations

import asyncio
import io
import logging
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from django.conf import settings
from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.decode_limits import DecodeLimits
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext

from .pdf_keys import pdf_signing_material

logger = logging.getLogger(__name__)
T = TypeVar("T")


def _outside_event_loop(fn: Callable[[], T]) -> T:
    """pyHanko's synchronous API calls ``asyncio.run``, which refuses to run inside a
    running loop (an ASGI server, a test driving a browser): then use a short-lived thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn).result()


SIGNATURE_FIELD = "ECFMGSignature"
# (x1, y1, x2, y2) in PDF points from the bottom-left corner of the page.
Box = tuple[int, int, int, int]
DEFAULT_BOX: Box = (36, 14, 256, 50)
STAMP_TEXT = "Digitally signed by %(signer)s\n%(ts)s"
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S %Z"
# Room for the CMS signature (certificates included), and more with a timestamp token.
RESERVED_BYTES = 8192
TSA_RESERVED_BYTES = 16384


@dataclass(frozen=True)
class Attachment:
    """A file embedded in the PDF before signing, so the signature covers it."""

    name: str
    data: bytes
    mime_type: str
    description: str


def _timestamper() -> timestamps.TimeStamper | None:
    url: str = settings.PDF_SIGNING_TSA_URL
    return timestamps.HTTPTimeStamper(url) if url else None


def _embed(writer: IncrementalPdfFileWriter, attachment: Attachment) -> None:
    data = embed.EmbeddedFileObject.from_file_data(
        writer, attachment.data, mime_type=attachment.mime_type, params=embed.EmbeddedFileParams()
    )
    spec = embed.FileSpec(
        file_spec_string=attachment.name,
        file_name=attachment.name,
        embedded_data=data,
        description=attachment.description,
        af_relationship=generic.NameObject("/Data"),
    )
    embed.embed_file(writer, spec)


def sign_pdf(
    pdf: bytes,
    *,
    reason: str,
    box: Box | None = DEFAULT_BOX,
    page: int = 0,
    attachments: Sequence[Attachment] = (),
) -> bytes:
    """``pdf`` signed as PAdES (B-B, or B-T with a timestamp authority), with a visible
    block at ``box`` on ``page`` (``None``: invisible) and ``attachments`` embedded
    first. The result is the input plus one incremental update."""
    material = pdf_signing_material()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    for attachment in attachments:
        _embed(writer, attachment)
    field_spec = fields.SigFieldSpec(SIGNATURE_FIELD, on_page=page, box=box) if box else None
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        name=material.signer_name,
        location=settings.SITE_URL,
    )
    stamp = TextStampStyle(
        stamp_text=STAMP_TEXT, timestamp_format=TIMESTAMP_FORMAT, border_width=1, background=None
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=material.signer,
        timestamper=_timestamper(),
        stamp_style=stamp,
        new_field_spec=field_spec,
    )
    output = _outside_event_loop(
        lambda: pdf_signer.sign_pdf(
            writer,
            appearance_text_params={"signer": material.signer_name},
            # A fixed reservation spares pyHanko a dummy signature to measure the size.
            bytes_reserved=TSA_RESERVED_BYTES if settings.PDF_SIGNING_TSA_URL else RESERVED_BYTES,
        )
    )
    return bytes(output.getvalue())


@dataclass(frozen=True)
class PdfSignatureCheck:
    """What reading a PDF's signature found. ``signed`` is False when there is none."""

    signed: bool
    intact: bool = False
    covers_whole_file: bool = False
    trusted: bool = False
    # The signing certificate names our CA as its issuer: if it is then not trusted, the
    # certificate in the file was changed (a byte of the signature block), not replaced.
    names_our_ca: bool = False
    signer: str = ""
    signed_at: str = ""
    timestamped: bool = False
    reader: PdfFileReader | None = None

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.covers_whole_file and self.trusted


def open_untrusted_pdf(data: bytes) -> PdfFileReader:
    """A pyHanko reader with the decoding limits meant for untrusted files.
    Raises ``PdfError`` (or ``ValueError``) when the file cannot be read."""
    return PdfFileReader(io.BytesIO(data), strict=False, decode_limits=DecodeLimits.for_untrusted_input())


def _validation_context() -> ValidationContext:
    # allow_fetching=False: no OCSP, CRL or AIA lookups; the roots are ours alone.
    return ValidationContext(trust_roots=list(pdf_signing_material().trust_roots), allow_fetching=False)


_HEX_CONTENTS = re.compile(rb"^<[0-9A-F]+>$")


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _der_length(raw: bytes) -> int | None:
    """Length of the DER value at the start of ``raw`` (tag, length, contents)."""
    if len(raw) < 2 or raw[0] != 0x30:
        return None
    if raw[1] < 0x80:
        return 2 + raw[1]
    count = raw[1] & 0x7F
    if count == 0 or count > 4 or len(raw) < 2 + count:
        return None
    total = 2 + count + int.from_bytes(raw[2 : 2 + count], "big")
    return total if total <= len(raw) else None


def _container_is_exact(embedded: EmbeddedPdfSignature, data: bytes) -> bool:
    """pyHanko checks what the signature means; this checks that no byte of the signature
    block could change without changing its meaning either (R-VE-4: a one-byte change
    anywhere fails): the ``/Contents`` hex exactly as we write it (upper case), zeros
    after the signature, and no embedded certificate that does not chain to our roots
    (a damaged copy of the CA certificate is otherwise ignored by validators)."""
    byte_range = [int(v) for v in embedded.byte_range]
    gap = data[byte_range[1] : byte_range[2]]
    if not _HEX_CONTENTS.match(gap):
        return False
    raw = bytes.fromhex(gap[1:-1].decode("ascii"))
    der_length = _der_length(raw)
    if der_length is None or raw[der_length:].strip(b"\x00"):
        return False
    trusted = [x509.load_der_x509_certificate(r.dump()) for r in pdf_signing_material().trust_roots]
    pending = [
        x509.load_der_x509_certificate(c.chosen.dump())
        for c in embedded.signed_data["certificates"]
        if c.name == "certificate"
    ]
    while pending:
        known = [c for c in pending if c in trusted or any(_issued_by(c, t) for t in trusted)]
        if not known:
            return False
        trusted.extend(known)
        pending = [c for c in pending if c not in known]
    return True


def pdf_signature_check(reader: PdfFileReader, data: bytes) -> PdfSignatureCheck:
    """Check the last signature of an opened PDF (``data``: its bytes) against our roots."""
    signatures = reader.embedded_regular_signatures
    if not signatures:
        return PdfSignatureCheck(signed=False, reader=reader)
    embedded = signatures[-1]
    if not _container_is_exact(embedded, data):
        return PdfSignatureCheck(signed=True, reader=reader)
    try:
        status: PdfSignatureStatus = _outside_event_loop(
            lambda: validate_pdf_signature(embedded, _validation_context())
        )
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as error:
        logger.info("PDF signature could not be validated: %s", type(error).__name__)
        return PdfSignatureCheck(signed=True, reader=reader)
    cert = status.signing_cert
    signer = cert.subject.native.get("common_name", "") if cert else ""
    names_our_ca = bool(cert) and any(
        cert.issuer == root.subject for root in pdf_signing_material().trust_roots
    )
    signed_at = embedded.self_reported_timestamp
    return PdfSignatureCheck(
        signed=True,
        intact=bool(status.intact and status.valid),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        trusted=bool(status.trusted),
        names_our_ca=names_our_ca,
        signer=str(signer),
        signed_at=signed_at.isoformat() if signed_at else "",
        timestamped=status.timestamp_validity is not None,
        reader=reader,
    )
