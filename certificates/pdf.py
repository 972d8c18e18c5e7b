"""Rendering the Standard ECFMG Certificate as a PDF (R-CE-2, R-CE-3), in the worker.

The HTML template and its stylesheet live in ``certificates/templates/certificates/``.
WeasyPrint reads resources only through ``LockedURLFetcher``: ``data:`` URIs and
files inside that folder (and ``certificates/fonts/``); everything else (other
files, http, https, ftp…) is refused, so an applicant-supplied value can never
make the renderer read the disk or the network. Glyphs come from the system's
fonts through fontconfig (Noto Serif, DejaVu, Noto CJK and the other Noto
scripts; ``make browsers`` installs them), which covers accented and non-Latin
names.

``render_certificate_pdf_bytes(content)`` is the pure rendering step, used by
the service and by the benchmark; ``render_floor_pdf_bytes()`` renders a
minimal one-line page with the same engine, to compare against.
"""

from __future__ import annotations

import base64
import datetime
import functools
import io
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import qrcode
import qrcode.constants
import tinyhtml5.inputstream
from django.conf import settings
from django.template.loader import render_to_string
from PIL import Image
from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .models import Certificate

APP_DIR = Path(__file__).resolve().parent
TEMPLATE_DIR = APP_DIR / "templates" / "certificates"
FONT_DIR = APP_DIR / "fonts"
ALLOWED_DIRS: tuple[Path, ...] = (TEMPLATE_DIR, FONT_DIR)
TEMPLATE_NAME = "certificates/certificate.html"
STYLESHEET = TEMPLATE_DIR / "certificate.css"
# Where the visible PDF signature block goes (PDF points from the bottom-left corner of
# the US Letter landscape page): above the two signature lines, clear of the text.
CERTIFICATE_SIGNATURE_BOX = (196, 92, 462, 122)
QR_MASK = 2


class _CharsUntilPatterns(dict[tuple[Any, bool], re.Pattern[str]]):
    """tinyhtml5's cache of the patterns its tokenizer scans text with, keyed by (characters,
    opposite). tinyhtml5 2.1.0 stores each pattern under the wrong key (it rebinds
    ``characters`` to the pattern before using it in the key), so it never finds one and
    rebuilds it from every character on each call: about 40% of parsing the certificate's
    HTML. Building the missing pattern here, the same way, under the right key, lets its
    lookup succeed; the parsed tree is the same (tested)."""

    def __missing__(self, key: tuple[Any, bool]) -> re.Pattern[str]:
        characters, opposite = key
        ranges = "".join(f"\\x{ord(character):02x}" for character in characters)
        pattern = self[key] = re.compile(f"[{ranges}]+" if opposite else f"[^{ranges}]+")
        return pattern


tinyhtml5.inputstream.characters_until_regex = _CharsUntilPatterns()


@functools.cache
def _static_file(path: Path) -> tuple[bytes, str]:
    """An allowed file's bytes and type, read once per process: the stylesheet, the
    hatch tile and the seal are the same for every certificate (they change with a
    deployment, which restarts the workers)."""
    return path.read_bytes(), mimetypes.guess_type(path.name)[0] or "application/octet-stream"


class RefusedURL(ValueError):
    """The certificate renderer does not fetch this URL."""


class LockedURLFetcher(URLFetcher):
    """Serves ``data:`` URIs and files under ``ALLOWED_DIRS``; refuses everything else."""

    def __init__(self, allowed_dirs: tuple[Path, ...] = ALLOWED_DIRS) -> None:
        super().__init__(timeout=1, allowed_protocols=("data", "file"), allow_redirects=False)
        self._allowed_dirs = tuple(d.resolve() for d in allowed_dirs)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file" and parts.netloc in ("", "localhost"):
            path = Path(url2pathname(parts.path)).resolve()
            if any(path.is_relative_to(folder) for folder in self._allowed_dirs) and path.is_file():
                body, content_type = _static_file(path)
                return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})
        # Only the scheme is named: the URL itself may carry personal data.
        raise RefusedURL(f"The certificate renderer does not fetch {scheme or 'relative'} URLs here.")


@dataclass(frozen=True)
class CertificateContent:
    """Everything printed on the certificate, already decided; no database access."""

    full_name: str
    usmle_id: str
    exam_requirements_met_on: datetime.date
    issued_on: datetime.date
    number: str
    verification_code: str
    verify_url: str
    revoked_on: datetime.date | None = None


def verify_url(verification_code: str) -> str:
    """The public verification page (../shared/spec/api.md, ``GET /verify/{code}/``)."""
    return f"{settings.SITE_URL}/verify/{verification_code}/"


def certificate_content(certificate: Certificate) -> CertificateContent:
    applicant = certificate.applicant
    return CertificateContent(
        # R-ID-3: exactly as recorded, given names first; no case change, no transliteration.
        full_name=applicant.full_name,
        usmle_id=applicant.usmle_id or "",
        exam_requirements_met_on=certificate.exam_requirements_met_on,
        issued_on=certificate.issued_on,
        number=certificate.number,
        verification_code=certificate.verification_code,
        verify_url=verify_url(certificate.verification_code),
        revoked_on=certificate.revoked_on if certificate.is_revoked else None,
    )


def qr_data_uri(text: str) -> str:
    """A QR code of ``text`` as a PNG ``data:`` URI with one pixel per module; the
    stylesheet scales it up with ``image-rendering: pixelated``, so it prints sharp
    (no interpolation) while costing far less to draw than an SVG path of every module.

    The mask is fixed: left open, the library builds the code once per mask (eight) to
    score them, nine tenths of the QR's cost. Any mask decodes (tested); this one is the
    library's own choice most often for verification addresses of our length."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, mask_pattern=QR_MASK)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    image = Image.new("1", (len(matrix[0]), len(matrix)))
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@functools.cache
def _fetcher() -> LockedURLFetcher:
    """One fetcher per process: building one sets up nine urllib handlers (and reads the
    proxy settings from the environment) for every render otherwise. WeasyPrint calls
    it through ``fetch()`` alone, which keeps nothing from one URL to the next."""
    return LockedURLFetcher()


def _html(markup: str) -> HTML:
    return HTML(string=markup, base_url=str(TEMPLATE_DIR) + "/", url_fetcher=_fetcher())


@functools.cache
def _stylesheet() -> tuple[CSS, FontConfiguration]:
    """The certificate's stylesheet, parsed once per worker process, with the font
    configuration it was parsed against (reused, so fonts are looked up once)."""
    font_config = FontConfiguration()
    css = CSS(url=STYLESHEET.as_uri(), url_fetcher=LockedURLFetcher(), font_config=font_config)
    return css, font_config


def certificate_html(content: CertificateContent) -> HTML:
    """The certificate's page, parsed, before layout. Every value is escaped by the
    template engine (autoescape)."""
    markup = render_to_string(TEMPLATE_NAME, {"c": content, "qr_code": qr_data_uri(content.verify_url)})
    return _html(markup)


def certificate_document(html: HTML) -> Document:
    """The page laid out with the certificate's stylesheet, ready to draw."""
    css, font_config = _stylesheet()
    return html.render(stylesheets=[css], font_config=font_config)


def render_certificate_pdf_bytes(content: CertificateContent) -> bytes:
    """The certificate as PDF bytes: landscape US Letter, one page."""
    pdf = certificate_document(certificate_html(content)).write_pdf()
    assert pdf is not None  # write_pdf() without a target returns the bytes
    return pdf


def render_floor_pdf_bytes() -> bytes:
    """A minimal one-line page through the same engine: the floor for benchmarks. It
    builds its own fetcher, as a page rendered on its own would."""
    pdf = HTML(
        string="<p>ECFMG</p>", base_url=str(TEMPLATE_DIR) + "/", url_fetcher=LockedURLFetcher()
    ).write_pdf()
    assert pdf is not None
    return pdf
