"""Checking an uploaded file by its content, never by its name or Content-Type.

Allowed: PDF, JPEG, PNG, TIFF (the formats the real credential portal takes,
plus PNG). Images are opened with Pillow's decompression-bomb limit; PDFs are
refused when they carry active content (JavaScript, launch actions, embedded
files). The caller stores the bytes under a server-generated name.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from ecfmg_portal.errors import DomainError

ALLOWED = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/tiff": "tif",
}
MAX_PDF_PAGES = 50
MAX_IMAGE_PIXELS = 50_000_000  # ~ an A4 page at 600 dpi, twice over
ACTIVE_PDF_KEYS = (
    "/JavaScript",
    "/JS",
    "/Launch",
    "/EmbeddedFile",
    "/EmbeddedFiles",
    "/RichMedia",
    "/OpenAction",
    "/AA",
    "/SubmitForm",
    "/ImportData",
)

FORMATS_SENTENCE = "Upload a PDF, JPEG, PNG or TIFF file."


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str
    extension: str
    size: int
    sha256: str


def check_upload(upload: UploadedFile | None) -> CheckedFile:
    """Read, measure and identify an upload; raise ``DomainError`` with a sentence for the user."""
    if upload is None:
        raise DomainError("upload_missing", "Choose a file to upload.", field="file")
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise DomainError(
            "upload_too_large",
            f"The file is larger than {limit // (1024 * 1024)} MB.",
            field="file",
        )
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise DomainError(
            "upload_too_large",
            f"The file is larger than {limit // (1024 * 1024)} MB.",
            field="file",
        )
    if not content:
        raise DomainError("upload_empty", "The file is empty.", field="file")
    kind = filetype.guess(content)
    mime = kind.mime if kind else None
    if mime not in ALLOWED:
        raise DomainError(
            "upload_type",
            f"This file is not a PDF, JPEG, PNG or TIFF (whatever its name says). {FORMATS_SENTENCE}",
            field="file",
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


def _check_image(content: bytes) -> None:
    try:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise DomainError(
                    "upload_image_too_big",
                    "The image has too many pixels; scan at 300 dpi.",
                    field="file",
                )
            image.verify()
    except DomainError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise DomainError(
            "upload_damaged", "The image could not be read; it may be damaged.", field="file"
        ) from exc


def _check_pdf(content: bytes) -> None:
    # Names can be hex-encoded (/J#61vaScript); pypdf decodes them, so check parsed objects.
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise DomainError(
                "upload_pdf_encrypted",
                "The PDF is password-protected; upload it without a password.",
                field="file",
            )
        pages = len(reader.pages)
        if pages > MAX_PDF_PAGES:
            raise DomainError(
                "upload_pdf_pages", f"The PDF has more than {MAX_PDF_PAGES} pages.", field="file"
            )
        if _has_active_content(reader):
            raise DomainError(
                "upload_pdf_active",
                "The PDF contains scripts, actions or attached files; upload a plain scan.",
                field="file",
            )
    except DomainError:
        raise
    except (PdfReadError, OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise DomainError(
            "upload_damaged", "The PDF could not be read; it may be damaged.", field="file"
        ) from exc


def _has_active_content(reader: PdfReader) -> bool:
    seen: set[int] = set()
    stack: list[object] = [reader.trailer]
    visited = 0
    while stack:
        node = stack.pop()
        visited += 1
        if visited > 200_000:
            return True  # absurdly deep object graph: refuse rather than spend the worker
        obj = node.get_object() if hasattr(node, "get_object") else node
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, dict):
            for key, value in obj.items():
                if str(key) in ACTIVE_PDF_KEYS:
                    return True
                if str(key) in ("/Parent",):
                    continue
                stack.append(value)
        elif isinstance(obj, list):
            stack.extend(obj)
    return False
