"""Pictures of a PDF's pages, for the applicant's upload preview and the staff workbench.

``render_pdf_pages`` draws each page with PDFium in the sandboxed child
(``credentials.sandbox``): hard CPU, memory and wall-clock limits, so a PDF
that makes the renderer spin or swell costs one child, never a web worker.
The PDFs shown are the disarmed copies, but the bounds hold for any input.
"""

from __future__ import annotations

from credentials.sandbox import Limits, SandboxFailure, run_sandboxed

# Rendering is heavier than checking: a little more CPU and memory than the upload check.
RENDER_LIMITS = Limits(cpu_seconds=20, memory_bytes=1024 * 1024 * 1024, wall_seconds=30.0)
MAX_WIDTH_PX = 2000
MAX_PAGES = 100


class PageRenderError(Exception):
    """The pages could not be drawn (a damaged PDF, or a limit was reached)."""


def render_pdf_pages(pdf_bytes: bytes, *, width_px: int, max_pages: int) -> list[bytes]:
    """PNG bytes for each of the first ``max_pages`` pages, each ``width_px`` wide
    (a page more than four times taller than wide is drawn narrower instead).

    ``width_px`` is 16..2000 and ``max_pages`` 1..100 (``ValueError`` otherwise);
    ``PageRenderError`` when the PDF cannot be drawn within the limits.
    """
    if not 16 <= width_px <= MAX_WIDTH_PX:
        raise ValueError(f"width_px must be between 16 and {MAX_WIDTH_PX}")
    if not 1 <= max_pages <= MAX_PAGES:
        raise ValueError(f"max_pages must be between 1 and {MAX_PAGES}")
    try:
        answer = run_sandboxed(
            "render",
            {"width_px": width_px, "max_pages": max_pages},
            [pdf_bytes],
            limits=RENDER_LIMITS,
            max_output_bytes=64 * 1024 * 1024,
        )
    except SandboxFailure as failure:
        raise PageRenderError(f"The pages could not be drawn ({failure.reason}).") from failure
    if not answer.header.get("ok"):
        raise PageRenderError(str(answer.header.get("message") or "The pages could not be drawn."))
    return answer.blobs
