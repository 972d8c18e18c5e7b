"""Checking an uploaded file by its content, never by its name or Content-Type.

Allowed: PDF, JPEG, PNG, TIFF (the formats the real credential portal takes,
plus PNG), identified by magic bytes. Refused, each with a sentence the
applicant can act on:

- empty files and files over ``settings.UPLOAD_MAX_BYTES``;
- anything else (zip, Office, executables, HTML, SVG...) whatever its name says;
- images over ``MAX_IMAGE_PIXELS`` (decompression bombs: Pillow's own limit is
  set to the same value and its bomb warning is an error), TIFFs with too many
  pages, images that hide markup a browser could run (HTML/PNG polyglots);
- PDFs that are encrypted, too long, damaged, or carry active content:
  JavaScript, launch/remote/embedded-go-to actions, embedded files, XFA forms,
  rich media. Names are compared after decoding ``#xx`` escapes
  (``/J#61vaScript`` is ``/JavaScript``), both in the parsed object graph
  (compressed object streams included) and in the raw bytes (unreferenced
  objects that a lenient viewer could still reach).

The caller stores the bytes under a server-generated name (see
``credentials.services.documents._store``); the client's file name is kept only
as a sanitised display label.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import warnings
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageSequence
from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError, PdfReadError, PyPdfError

from ecfmg_portal.errors import DomainError

ALLOWED = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/tiff": "tif",
}
MAX_PDF_PAGES = 50
MAX_IMAGE_PIXELS = 50_000_000  # ~ an A4 page at 600 dpi, twice over
MAX_PDF_OBJECTS = 200_000
# Decompression limits while checking a PDF: structure streams (object and cross-reference
# streams) of a real scan are small; a "zip bomb" stream is refused as damaged.
MAX_PDF_STREAM_OUTPUT = 4 * 1024 * 1024
MAX_PDF_OBJECT_STREAMS = 64
_PDF_LIMITS = {
    "zlib_maximum_output_length": MAX_PDF_STREAM_OUTPUT,
    "lzw_maximum_output_length": MAX_PDF_STREAM_OUTPUT,
    "run_length_maximum_output_length": MAX_PDF_STREAM_OUTPUT,
    "jbig2_maximum_output_length": MAX_PDF_STREAM_OUTPUT,
    "array_based_stream_maximum_output_length": MAX_PDF_STREAM_OUTPUT,
}
# Pillow refuses (DecompressionBombError) above twice this and warns above it;
# the warning is turned into a refusal below. Set once for the whole process.
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS

# Names (as keys or values) that make a PDF do something when opened or clicked.
ACTIVE_PDF_NAMES = frozenset(
    {
        "/JavaScript",
        "/JS",
        "/Launch",
        "/GoToR",
        "/GoToE",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/RichMedia",
        "/XFA",
        "/SubmitForm",
        "/ImportData",
        "/Rendition",
        "/Movie",
        "/Sound",
        "/AA",
    }
)
# Markup a browser would run if it ever sniffed an image as a document.
_MARKUP = re.compile(
    rb"<(?:script|html|body|svg|iframe|object|embed|meta|!doctype|\?php)\b|javascript:", re.IGNORECASE
)
_RAW_PDF_NAME = re.compile(rb"/((?:[A-Za-z0-9_.+-]|#[0-9A-Fa-f]{2})+)")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")

FORMATS_SENTENCE = "Upload a PDF, JPEG, PNG or TIFF file."


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str
    extension: str
    size: int
    sha256: str


def _refuse(code: str, message: str) -> DomainError:
    return DomainError(code, message, field="file")


def check_upload(upload: UploadedFile | None) -> CheckedFile:
    """Read, measure and identify an upload; raise ``DomainError`` with a sentence for the user."""
    if upload is None:
        raise _refuse("upload_missing", "Choose a file to upload.")
    limit = settings.UPLOAD_MAX_BYTES
    too_large = _refuse("upload_too_large", f"The file is larger than {limit // (1024 * 1024)} MB.")
    if upload.size is not None and upload.size > limit:
        raise too_large
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise too_large
    if not content:
        raise _refuse("upload_empty", "The file is empty.")
    kind = filetype.guess(content)
    mime = kind.mime if kind else None
    if mime not in ALLOWED:
        raise _refuse(
            "upload_type",
            f"This file is not a PDF, JPEG, PNG or TIFF (whatever its name says). {FORMATS_SENTENCE}",
        )
    if mime == "application/pdf":
        _check_pdf(content)
    else:
        _check_image(content)
    return CheckedFile(
        content=content,
        content_type=mime,
        extension=ALLOWED[mime],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _too_many_pixels() -> DomainError:
    return _refuse(
        "upload_image_too_big",
        "The image has too many pixels; scan at 300 dpi (an A4 page is about 2500 x 3500 pixels).",
    )


def _check_image(content: bytes) -> None:
    if _MARKUP.search(content):
        raise _refuse(
            "upload_polyglot",
            "The image also contains a web page or script, which is not allowed; upload a plain scan.",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                for page, frame in enumerate(ImageSequence.Iterator(image), start=1):
                    if page > MAX_PDF_PAGES:
                        raise _refuse("upload_pages", f"The file has more than {MAX_PDF_PAGES} pages.")
                    width, height = frame.size
                    if width * height > MAX_IMAGE_PIXELS:
                        raise _too_many_pixels()
            with Image.open(io.BytesIO(content)) as image:
                image.verify()
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, MemoryError) as exc:
        raise _refuse("upload_damaged", "The image could not be read; it may be damaged.") from exc


def _check_pdf(content: bytes) -> None:
    active = _refuse(
        "upload_pdf_active",
        "The PDF contains scripts, actions or attached files; upload a plain scan or a printed-to-PDF copy.",
    )
    if _raw_names_are_active(content):
        raise active
    try:
        with apply_configuration(None, **_PDF_LIMITS):
            _check_pdf_structure(content, active)
    except DomainError:
        raise
    except (PyPdfError, PdfReadError, OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise _refuse("upload_damaged", "The PDF could not be read; it may be damaged.") from exc


def _check_pdf_structure(content: bytes, active: DomainError) -> None:
    reader = PdfReader(io.BytesIO(content), strict=False)
    if len({stream for stream, _ in reader.xref_objStm.values()}) > MAX_PDF_OBJECT_STREAMS:
        raise _refuse(
            "upload_damaged", "The PDF is built in an unusual way; print it to a new PDF and upload that."
        )
    if reader.is_encrypted:
        raise _refuse("upload_pdf_encrypted", "The PDF is password-protected; upload it without a password.")
    pages = len(reader.pages)
    if pages > MAX_PDF_PAGES:
        raise _refuse("upload_pdf_pages", f"The PDF has more than {MAX_PDF_PAGES} pages.")
    if pages == 0:
        raise _refuse("upload_damaged", "The PDF has no pages; it may be damaged.")
    if _has_active_content(reader):
        raise active


def _decoded_name(raw: bytes) -> str:
    return "/" + _HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw).decode("latin-1")


def _raw_names_are_active(content: bytes) -> bool:
    """Every ``/Name`` token in the file's bytes, ``#xx`` escapes decoded."""
    return any(_decoded_name(m.group(1)) in ACTIVE_PDF_NAMES for m in _RAW_PDF_NAME.finditer(content))


def _has_active_content(reader: PdfReader) -> bool:
    """Walk every object reachable from the trailer or listed in the cross-reference
    table (including compressed object streams) and look at every name."""
    stack: list[object] = [reader.trailer]
    for numbers in reader.xref.values():
        stack.extend(_indirect(reader, number) for number in numbers)
    stack.extend(_indirect(reader, number) for number in reader.xref_objStm)
    seen: set[int] = set()
    visited = 0
    while stack:
        node = stack.pop()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            return True  # absurdly large object graph: refuse rather than spend the worker
        obj = node.get_object() if hasattr(node, "get_object") else node
        if obj is None or id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, str) and obj.startswith("/") and obj in ACTIVE_PDF_NAMES:
            return True
        if isinstance(obj, dict):
            for key, value in obj.items():
                if str(key) in ACTIVE_PDF_NAMES:
                    return True
                if str(key) == "/OpenAction" and isinstance(_resolved(value), dict):
                    return True  # an action run on opening, not a plain "open at page" destination
                if str(key) != "/Parent":
                    stack.append(value)
        elif isinstance(obj, list):
            stack.extend(obj)
    return False


def _indirect(reader: PdfReader, number: int) -> object:
    try:
        return reader.get_object(number)
    except LimitReachedError:
        raise  # a decompression bomb is refused, not skipped
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        return None  # a broken cross-reference entry: lenient viewers skip it too


def _resolved(value: object) -> object:
    return value.get_object() if hasattr(value, "get_object") else value
