"""Join disarmed pages (images and PDFs) into one PDF, in the order given (img2pdf, pikepdf)."""

from __future__ import annotations

import io

import img2pdf
import pikepdf

from credentials.disarm.errors import Refusal
from credentials.disarm.images import CleanImage

A4_WIDTH_PT = img2pdf.mm_to_pt(210)
A4_HEIGHT_PT = img2pdf.mm_to_pt(297)
# Each image becomes one page that fits inside A4 (upright or landscape), at its own proportions.
_FIT_A4 = img2pdf.get_layout_fun(
    pagesize=(A4_WIDTH_PT, A4_HEIGHT_PT), fit=img2pdf.FitMode.into, auto_orient=True
)


def image_pdf(image: CleanImage) -> bytes:
    """A one-page PDF holding the (already re-encoded) image as it is: no second re-encoding."""
    try:
        return bytes(img2pdf.convert(image.content, layout_fun=_FIT_A4, rotation=img2pdf.Rotation.ifvalid))
    except (img2pdf.ImageOpenError, ValueError, OSError) as exc:
        raise Refusal("upload_damaged", "An image could not be put into the PDF; scan it again.") from exc


def join_pdfs(parts: list[bytes], *, max_pages: int) -> tuple[bytes, int]:
    """One PDF of every page of ``parts`` (each already disarmed), refusing more than ``max_pages``."""
    total = 0
    with pikepdf.new() as joined:
        sources = []
        try:
            for part in parts:
                source = pikepdf.open(io.BytesIO(part))
                sources.append(source)
                total += len(source.pages)
                if total > max_pages:
                    raise Refusal(
                        "upload_pages",
                        f"Together the files have more than {max_pages} pages; send at most {max_pages}.",
                    )
                joined.pages.extend(source.pages)
            out = io.BytesIO()
            joined.save(
                out,
                compress_streams=True,
                stream_decode_level=pikepdf.StreamDecodeLevel.none,
                object_stream_mode=pikepdf.ObjectStreamMode.generate,
                deterministic_id=True,
            )
        finally:
            for source in sources:
                source.close()
    return out.getvalue(), total
