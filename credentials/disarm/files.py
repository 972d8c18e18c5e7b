"""One entry point per upload: identify, bound, disarm (inside the sandbox).

``disarm_file`` takes the bytes as they came and returns the only copy that
will ever be stored or shown: a rewritten PDF, or an image re-encoded from its
pixels (a multi-page TIFF becomes a PDF of its pages). ``assemble_files``
does this for each file of a document sent in several parts and joins them
into one PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from credentials.disarm.errors import Refusal

_MAGIC = (
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "image"),
    (b"\x89PNG\r\n\x1a\n", "image"),
    (b"II*\x00", "image"),
    (b"MM\x00*", "image"),
)


@dataclass(frozen=True)
class Disarmed:
    content: bytes
    mime: str
    extension: str
    pages: int

    def header(self) -> dict[str, Any]:
        return {"mime": self.mime, "extension": self.extension, "pages": self.pages}


def _kind(data: bytes) -> str:
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    raise Refusal(
        "upload_type",
        "This file is not a PDF, JPEG, PNG or TIFF (whatever its name says). Upload a PDF, JPEG, PNG or TIFF file.",
    )


def disarm_file(data: bytes, *, max_pages: int) -> Disarmed:
    # Libraries are imported only for the kind of file at hand, so that refusing a hostile
    # PDF at the bounded scan costs the child no Pillow, img2pdf or pikepdf start-up.
    if _kind(data) == "pdf":
        from credentials.disarm.pdf_budget import scan_pdf

        scan_pdf(data)  # before pikepdf is even imported
        from credentials.disarm.pdf import rewrite_pdf

        content, pages = rewrite_pdf(data, max_pages=max_pages)
        return Disarmed(content, "application/pdf", "pdf", pages)
    from credentials.disarm.images import disarm_image

    frames = disarm_image(data, max_pages=max_pages).frames
    if len(frames) == 1:
        (frame,) = frames
        return Disarmed(frame.content, frame.mime, frame.extension, 1)
    from credentials.disarm.assemble import image_pdf, join_pdfs

    content, pages = join_pdfs([image_pdf(frame) for frame in frames], max_pages=max_pages)
    return Disarmed(content, "application/pdf", "pdf", pages)


def assemble_files(files: list[bytes], *, max_pages: int) -> tuple[bytes, int]:
    """Each file disarmed, then all of them as one PDF; a refusal names the file by its position."""
    from credentials.disarm.assemble import image_pdf, join_pdfs
    from credentials.disarm.images import CleanImage

    parts = []
    pages = 0
    for number, data in enumerate(files, start=1):
        try:
            disarmed = disarm_file(data, max_pages=max_pages)
        except Refusal as refusal:
            prefix = f"File {number}: " if len(files) > 1 else ""
            raise Refusal(refusal.code, prefix + refusal.message) from None
        pages += disarmed.pages
        if pages > max_pages:
            raise Refusal(
                "upload_pages",
                f"Together the files have more than {max_pages} pages; send at most {max_pages}.",
            )
        if disarmed.mime == "application/pdf":
            parts.append(disarmed.content)
        else:
            parts.append(image_pdf(CleanImage(disarmed.content, disarmed.mime, disarmed.extension)))
    return join_pdfs(parts, max_pages=max_pages)
