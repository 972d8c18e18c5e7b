"""Render PDF pages to PNG with PDFium (inside the sandbox)."""

from __future__ import annotations

import io

import pypdfium2 as pdfium

from credentials.disarm.errors import Refusal

MAX_WIDTH_PX = 2000
MAX_PAGES = 100
# A page taller than this many times its width is drawn shorter (scaled to fit), so a
# 1 x 14400 pt page cannot make a gigantic bitmap.
MAX_ASPECT = 4


def render_pages(pdf_bytes: bytes, *, width_px: int, max_pages: int) -> list[bytes]:
    if not 16 <= width_px <= MAX_WIDTH_PX:
        raise ValueError(f"width_px must be between 16 and {MAX_WIDTH_PX}")
    if not 1 <= max_pages <= MAX_PAGES:
        raise ValueError(f"max_pages must be between 1 and {MAX_PAGES}")
    try:
        document = pdfium.PdfDocument(pdf_bytes)
    except pdfium.PdfiumError as exc:
        raise Refusal("render_unreadable", "The PDF could not be read; it may be damaged.") from exc
    try:
        pngs = []
        for index in range(min(len(document), max_pages)):
            page = document[index]
            try:
                width_pt, height_pt = page.get_size()
                if width_pt <= 0 or height_pt <= 0:
                    raise Refusal("render_unreadable", "A page of the PDF has no size.")
                scale = min(width_px / width_pt, width_px * MAX_ASPECT / height_pt)
                bitmap = page.render(scale=scale, may_draw_forms=False)
                image = bitmap.to_pil()
                out = io.BytesIO()
                image.convert("RGB").save(out, format="PNG", optimize=False)
                pngs.append(out.getvalue())
            finally:
                page.close()
        return pngs
    finally:
        document.close()
