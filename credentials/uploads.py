"""Uploads: read within limits, identified by content, disarmed in a sandbox, rate-limited.

What comes in is never what is kept. ``check_upload`` reads at most
``UPLOAD_MAX_BYTES``, identifies the file by its magic bytes (never its name or
Content-Type), and hands it to a child process (``credentials.sandbox``) with
hard CPU, memory and wall-clock limits. There:

- a PDF first passes a bounded scan (``credentials.disarm.pdf_budget``: objects,
  containers, tokens, nesting and decoded bytes budgeted for the whole file,
  checked while reading), then is rewritten by pikepdf with every action,
  script, link, attachment, form and metadata removed
  (``credentials.disarm.pdf``);
- an image has each frame's declared size checked before decoding, then is
  re-encoded from its pixels alone (``credentials.disarm.images``).

The result (``CheckedFile``) holds only the disarmed bytes, their type and
hash, and the SHA-256 of the original as received, kept in the record so the
original can be recognised later without being kept. A file that cannot be
disarmed is refused with a sentence that says what to send instead. If the
child dies or overruns a limit, the file is refused the same way, and the web
worker carries on.

``check_upload_parts`` does the same for a document sent as several files and
returns one PDF of all their pages with a thumbnail of each page.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from credentials.sandbox import Limits, SandboxFailure, run_sandboxed
from ecfmg_portal.errors import DomainError

ALLOWED = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/tiff": "tif",
}
MAX_PAGES = 50
MAX_PARTS = 10
THUMBNAIL_WIDTH_PX = 240
FORMATS_SENTENCE = "Upload a PDF, JPEG, PNG or TIFF file."
TOO_HARD = (
    "We could not check this file safely: it is far more complex than a scan. "
    "Scan the paper document again, or print it to a new PDF, and upload that."
)


@dataclass(frozen=True)
class CheckedFile:
    """The disarmed copy (the only bytes stored) and the original's fingerprint."""

    content: bytes
    content_type: str
    extension: str
    size: int
    sha256: str
    original_sha256: str
    pages: int


@dataclass(frozen=True)
class AssembledFile:
    """Several files of one document as one disarmed PDF, with a PNG thumbnail per page."""

    content: bytes
    pages: int
    thumbnails: list[bytes]
    original_sha256s: list[str]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


class UploadRateLimited(DomainError):
    status = 429


def _refuse(code: str, message: str) -> DomainError:
    return DomainError(code, message, field="file")


def sandbox_limits() -> Limits:
    return Limits(
        cpu_seconds=settings.UPLOAD_SANDBOX_CPU_SECONDS,
        memory_bytes=settings.UPLOAD_SANDBOX_MEMORY_MB * 1024 * 1024,
        wall_seconds=float(settings.UPLOAD_SANDBOX_WALL_SECONDS),
    )


def read_upload(upload: UploadedFile | None) -> bytes:
    """The upload's bytes, reading no more than the limit allows."""
    if upload is None:
        raise _refuse("upload_missing", "Choose a file to upload.")
    limit = settings.UPLOAD_MAX_BYTES
    too_large = _refuse(
        "upload_too_large",
        f"The file is larger than {limit // (1024 * 1024)} MB; scan at 300 dpi, or send the pages as separate files.",
    )
    if upload.size is not None and upload.size > limit:
        raise too_large
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise too_large
    if not content:
        raise _refuse("upload_empty", "The file is empty.")
    return content


def _sandboxed(
    op: str, params: dict[str, object], blobs: list[bytes]
) -> tuple[dict[str, object], list[bytes]]:
    try:
        answer = run_sandboxed(op, params, blobs, limits=sandbox_limits())
    except SandboxFailure:
        raise _refuse("upload_too_complex", TOO_HARD) from None
    if not answer.header.get("ok"):
        code = str(answer.header.get("code") or "upload_too_complex")
        message = str(answer.header.get("message") or "")
        if code == "memory" or not message:
            raise _refuse("upload_too_complex", TOO_HARD)
        raise _refuse(code, message)
    return answer.header, answer.blobs


def check_upload(upload: UploadedFile | None) -> CheckedFile:
    """Read, identify and disarm one upload; ``DomainError`` with a sentence for the user."""
    original = read_upload(upload)
    header, blobs = _sandboxed("disarm", {"max_pages": MAX_PAGES}, [original])
    content = blobs[0] if len(blobs) == 1 else b""
    mime = str(header.get("mime"))
    if not content or mime not in ALLOWED:
        raise _refuse("upload_too_complex", TOO_HARD)
    return CheckedFile(
        content=content,
        content_type=mime,
        extension=ALLOWED[mime],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        original_sha256=hashlib.sha256(original).hexdigest(),
        pages=_int(header.get("pages")),
    )


def check_upload_parts(uploads: list[UploadedFile]) -> AssembledFile:
    """Several files of one document (images or PDFs, in order) as one disarmed PDF."""
    if not uploads:
        raise _refuse("upload_missing", "Choose a file to upload.")
    if len(uploads) > MAX_PARTS:
        raise _refuse("upload_parts", f"Send at most {MAX_PARTS} files for one document.")
    originals = [read_upload(upload) for upload in uploads]
    limit = settings.UPLOAD_MAX_BYTES * 2
    if sum(map(len, originals)) > limit:
        raise _refuse(
            "upload_too_large",
            f"Together the files are larger than {limit // (1024 * 1024)} MB; scan at 300 dpi.",
        )
    header, blobs = _sandboxed(
        "assemble", {"max_pages": MAX_PAGES, "thumbnail_width_px": THUMBNAIL_WIDTH_PX}, originals
    )
    pages = _int(header.get("pages"))
    if len(blobs) != 1 + pages or pages < 1:
        raise _refuse("upload_too_complex", TOO_HARD)
    return AssembledFile(
        content=blobs[0],
        pages=pages,
        thumbnails=blobs[1:],
        original_sha256s=[hashlib.sha256(o).hexdigest() for o in originals],
    )


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0


# Rate limit ----------------------------------------------------------------------------------


def upload_rate_check(*, user_id: int, joined_at: object, files: int = 1) -> None:
    """Count ``files`` uploads against the account's hourly allowance in the shared cache.

    Every attempt counts, refused ones too: refusing costs a sandboxed check, and a
    hostile account must not be able to buy unlimited checks. The window is the
    clock hour; the message says when the next one starts.
    """
    allowance = settings.UPLOADS_PER_HOUR
    now = timezone.now()
    window = now.strftime("%Y%m%d%H")
    key = f"uploads:{user_id}:{joined_at}:{window}"
    cache.add(key, 0, timeout=3700)
    try:
        used = cache.incr(key, files)
    except ValueError:  # evicted between add and incr
        cache.set(key, files, timeout=3700)
        used = files
    if used > allowance:
        next_window = now.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)
        minutes = max(1, int((next_window - now).total_seconds() // 60) + 1)
        raise UploadRateLimited(
            "upload_rate_limited",
            # Two sentences, each with its own count: the allowance, then the wait's plural.
            gettext("You have sent the most files we accept in one hour (%(allowance)s).")
            % {"allowance": allowance}
            + " "
            + ngettext(
                "Please try again in %(minutes)s minute.", "Please try again in %(minutes)s minutes.", minutes
            )
            % {"minutes": minutes},
            field="file",
        )
