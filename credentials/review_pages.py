"""The pages of an uploaded document as PNG images for the staff review page.

PDFs are drawn by ``credentials.page_images.render_pdf_pages`` (a sandboxed
child); images (JPEG, PNG) are their own single page. Drawing costs a child
process, so the pages are kept in the cache under the file's SHA-256: the review
page and each page image after the first are cache reads.
"""

from __future__ import annotations

from django.core.cache import cache

from credentials.models import Document
from credentials.page_images import PageRenderError, render_pdf_pages

PAGE_WIDTH_PX = 1400
MAX_PAGES = 20
CACHE_SECONDS = 60 * 60


def _key(document: Document) -> str:
    return f"review-pages:{document.pk}:{document.sha256}:{PAGE_WIDTH_PX}"


def document_pages(document: Document) -> list[bytes]:
    """Every page (up to ``MAX_PAGES``) as PNG bytes; [] when it cannot be drawn."""
    if document.content_type != "application/pdf":
        return []
    # Only a document whose content is known by its SHA-256 is cached under it: without
    # one, two files could share a key. A failure is not cached either: a render cut
    # short by a busy machine must be tried again on the next visit, not for an hour.
    cacheable = bool(document.sha256)
    pages: list[bytes] | None = cache.get(_key(document)) if cacheable else None
    if pages is None:
        try:
            with document.file.open("rb") as handle:
                data = handle.read()
            pages = render_pdf_pages(data, width_px=PAGE_WIDTH_PX, max_pages=MAX_PAGES)
        except (OSError, PageRenderError):  # a missing file or one that cannot be drawn: offer the download
            return []
        if cacheable:
            cache.set(_key(document), pages, CACHE_SECONDS)
    return pages


def document_page_count(document: Document) -> int:
    """How many page images the review page shows (an image file is one page)."""
    if document.content_type in ("image/jpeg", "image/png"):
        return 1
    return len(document_pages(document))
