"""The key and certificate chain that sign the portal's PDFs (R-VE-4).

Production: the files named in the environment (``PDF_SIGNING_PKCS12_FILE``, or
``PDF_SIGNING_KEY_FILE`` + ``PDF_SIGNING_CERT_FILE`` [+ ``PDF_SIGNING_CHAIN_FILE``]
as PEM), the password from ``PDF_SIGNING_KEY_PASSWORD``; the production settings
refuse to start without them. Verifiers trust ``PDF_SIGNING_TRUST_ROOTS_FILE``
(default: the self-signed certificates of the chain).

Development and tests: a local CA and a signing certificate under
``SIGNING_DEV_DIR`` (``var/signing/``, never committed), created on first use or
by ``manage.py ensure_signing_keys``. ECDSA P-256 keys: signing costs well under a
millisecond, and creating them on the first test run costs nothing noticeable.
"""

from __future__ import annotations

import datetime
import functools
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.keys import load_cert_from_pemder, load_certs_from_pemder
from pyhanko.sign import attributes, signers
from pyhanko.sign.general import as_signing_certificate_v2, simple_cms_attribute

DEV_CA_CERT = "ca.pem"
DEV_CA_KEY = "ca-key.pem"
DEV_SIGNER_CERT = "signer.pem"
DEV_SIGNER_KEY = "signer-key.pem"
DEV_VALIDITY_DAYS = 3650


@dataclass(frozen=True)
class PdfSigningMaterial:
    signer: signers.SimpleSigner
    trust_roots: tuple[asn1_x509.Certificate, ...]
    signer_name: str


class _SigningCertificateV2(attributes.CMSAttributeProvider):
    """The ESS signing-certificate-v2 attribute PAdES B-B requires, built once per signer.

    pyHanko builds it afresh for every signature; a freshly built ASN.1 value (the
    issuer's name inside) is then re-encoded node by node each time the signed
    attributes are copied into the SignerInfo and the CMS: three quarters of the work of
    a signature. Parsed back from its own DER, it is copied and encoded as the bytes it is
    (the same bytes: the signature is unchanged)."""

    attribute_type = "signing_certificate_v2"

    def __init__(self, signing_cert: asn1_x509.Certificate) -> None:
        attribute = simple_cms_attribute(self.attribute_type, as_signing_certificate_v2(signing_cert))
        self._value = cms.CMSAttribute.load(attribute.dump())["values"][0]

    async def build_attr_value(self, dry_run: bool = False) -> object:
        return self._value


class PadesSignedAttributes(attributes.SignedAttributeProviderSpec):
    """The signed attributes of our PAdES signatures besides content type and message
    digest (which pyHanko adds itself): the signing certificate, and nothing else (no
    signing time: PAdES forbids it; no CAdES extras: we set none)."""

    def __init__(self, signing_cert: asn1_x509.Certificate) -> None:
        self._signing_certificate = _SigningCertificateV2(signing_cert)

    def signed_attr_providers(
        self, data_digest: bytes, digest_algorithm: str
    ) -> Iterator[attributes.CMSAttributeProvider]:
        yield self._signing_certificate


def _prepared(signer: signers.SimpleSigner) -> signers.SimpleSigner:
    assert signer.signing_cert is not None  # loaded with its certificate
    signer.signed_attr_prov_spec = PadesSignedAttributes(signer.signing_cert)
    return signer


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ECFMG Certification Portal (development)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def ensure_dev_signing_keys(directory: Path) -> bool:
    """Create a local CA and a PDF signing certificate it issued, unless both exist.
    Returns whether anything was created. Never used in production (the settings
    there require real files)."""
    names = (DEV_CA_CERT, DEV_CA_KEY, DEV_SIGNER_CERT, DEV_SIGNER_KEY)
    if all((directory / n).is_file() for n in names):
        return False
    if directory.exists() and any(directory.iterdir()):
        raise ImproperlyConfigured(
            f"{directory} holds an incomplete set of development signing keys: remove it to start afresh."
        )
    # Written in a private folder then renamed into place: two processes starting at
    # once (test runs, web and worker) never mix one's CA with the other's key.
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}-", dir=directory.parent))
    _write_dev_keys(staging)
    try:
        if directory.exists():
            directory.rmdir()  # empty (checked above)
        staging.rename(directory)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        if not all((directory / n).is_file() for n in names):
            raise
        return False
    return True


def _write_dev_keys(directory: Path) -> None:
    now = datetime.datetime.now(datetime.UTC)
    not_before = now - datetime.timedelta(days=1)
    not_after = now + datetime.timedelta(days=DEV_VALIDITY_DAYS)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("ECFMG Portal Development CA")
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    signer_key = ec.generate_private_key(ec.SECP256R1())
    signer_cert = (
        x509.CertificateBuilder()
        .subject_name(_name(settings.PDF_SIGNER_NAME))
        .issuer_name(ca_name)
        .public_key(signer_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    unencrypted = serialization.NoEncryption()
    pkcs8 = serialization.PrivateFormat.PKCS8
    _write_private(directory / DEV_CA_KEY, ca_key.private_bytes(pem, pkcs8, unencrypted))
    _write_private(directory / DEV_SIGNER_KEY, signer_key.private_bytes(pem, pkcs8, unencrypted))
    (directory / DEV_CA_CERT).write_bytes(ca_cert.public_bytes(pem))
    (directory / DEV_SIGNER_CERT).write_bytes(signer_cert.public_bytes(pem))


def _self_signed(certs: list[asn1_x509.Certificate]) -> tuple[asn1_x509.Certificate, ...]:
    return tuple(c for c in certs if c.self_signed)


def _password() -> bytes | None:
    password: str = settings.PDF_SIGNING_KEY_PASSWORD
    return password.encode() if password else None


def _from_configured_files() -> PdfSigningMaterial:
    pkcs12: str = settings.PDF_SIGNING_PKCS12_FILE
    chain_file: str = settings.PDF_SIGNING_CHAIN_FILE
    chain = list(load_certs_from_pemder([chain_file])) if chain_file else []
    if pkcs12:
        signer = signers.SimpleSigner.load_pkcs12(pkcs12, passphrase=_password(), other_certs=chain)
    else:
        signer = signers.SimpleSigner.load(
            settings.PDF_SIGNING_KEY_FILE,
            settings.PDF_SIGNING_CERT_FILE,
            key_passphrase=_password(),
            other_certs=chain,
        )
    if signer is None:
        raise ImproperlyConfigured(
            "The PDF signing key could not be read: check PDF_SIGNING_* files and PDF_SIGNING_KEY_PASSWORD."
        )
    roots_file: str = settings.PDF_SIGNING_TRUST_ROOTS_FILE
    if roots_file:
        roots = tuple(load_certs_from_pemder([roots_file]))
    else:
        roots = _self_signed([*signer.cert_registry])
    if not roots:
        raise ImproperlyConfigured(
            "No trust root for PDF signatures: set PDF_SIGNING_TRUST_ROOTS_FILE or include the root in the chain."
        )
    return PdfSigningMaterial(
        signer=_prepared(signer), trust_roots=roots, signer_name=settings.PDF_SIGNER_NAME
    )


def _from_dev_directory() -> PdfSigningMaterial:
    directory = Path(settings.SIGNING_DEV_DIR)
    ensure_dev_signing_keys(directory)
    ca = load_cert_from_pemder(str(directory / DEV_CA_CERT))
    signer = signers.SimpleSigner.load(
        str(directory / DEV_SIGNER_KEY),
        str(directory / DEV_SIGNER_CERT),
        ca_chain_files=(str(directory / DEV_CA_CERT),),
    )
    assert signer is not None  # our own files, just written
    return PdfSigningMaterial(
        signer=_prepared(signer), trust_roots=(ca,), signer_name=settings.PDF_SIGNER_NAME
    )


def signing_files_configured() -> bool:
    return bool(
        settings.PDF_SIGNING_PKCS12_FILE or (settings.PDF_SIGNING_KEY_FILE and settings.PDF_SIGNING_CERT_FILE)
    )


@functools.cache
def pdf_signing_material() -> PdfSigningMaterial:
    """Loaded once per process: the signer, and the roots a verifier trusts."""
    if signing_files_configured():
        return _from_configured_files()
    return _from_dev_directory()
