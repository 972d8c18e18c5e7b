"""Decode an image and encode its pixels anew, with nothing else (Pillow, inside the sandbox).

Before any pixel is decoded, every frame's declared size is read: a frame over
``max_pixels``, more frames than pages allowed, or more pixels in all frames
than ``max_total_pixels`` is refused (a 50-page 49-megapixel TIFF is 2.4
gigapixels). Then each frame is decoded once, turned upright by its EXIF
orientation, and written as a new file from its pixels only: no EXIF (GPS
position, camera serial), no XMP, no ICC profile, no text chunks (where a PNG
polyglot hides its HTML), no trailing data (a ZIP or PDF appended to a JPEG).
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps

from credentials.disarm.errors import Refusal

MAX_FRAME_PIXELS = 40_000_000  # an A4 page at 600 dpi is 35 megapixels
MAX_TOTAL_PIXELS = 200_000_000
FORMATS = frozenset({"JPEG", "PNG", "TIFF"})
_SCAN_ADVICE = "scan at 300 dpi (an A4 page is about 2500 x 3500 pixels)"
DAMAGED = "The image could not be read; it may be damaged. Scan the document again and upload the new file."


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    mime: str
    extension: str


@dataclass(frozen=True)
class CleanFrames:
    frames: list[CleanImage]


def _too_many_pixels() -> Refusal:
    return Refusal("upload_image_too_big", f"The image has too many pixels; {_SCAN_ADVICE}.")


def disarm_image(data: bytes, *, max_pages: int) -> CleanFrames:
    """Every frame of the image, re-encoded from its pixels alone."""
    Image.MAX_IMAGE_PIXELS = MAX_FRAME_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in FORMATS:
                    raise Refusal("upload_type", "Upload a PDF, JPEG, PNG or TIFF file.")
                sizes = _frame_sizes(image, max_pages=max_pages)
                return CleanFrames(
                    [_reencode(image, index, str(image.format)) for index in range(len(sizes))]
                )
    except Refusal:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError, KeyError) as exc:
        raise Refusal("upload_damaged", DAMAGED) from exc


def _frame_sizes(image: Image.Image, *, max_pages: int) -> list[tuple[int, int]]:
    """Each frame's declared size, read from its header only (nothing decoded yet)."""
    sizes: list[tuple[int, int]] = []
    total = 0
    index = 0
    while True:
        if index >= max_pages:
            try:
                image.seek(index)
            except EOFError:
                break
            raise Refusal(
                "upload_pages", f"The image has more than {max_pages} pages; send at most {max_pages}."
            )
        try:
            image.seek(index)
        except EOFError:
            break
        width, height = image.size
        if width < 1 or height < 1 or width * height > MAX_FRAME_PIXELS:
            raise _too_many_pixels()
        total += width * height
        if total > MAX_TOTAL_PIXELS:
            raise Refusal(
                "upload_image_too_big",
                f"All the pages together have too many pixels; {_SCAN_ADVICE}, or send fewer pages.",
            )
        sizes.append((width, height))
        index += 1
    if not sizes:
        raise Refusal("upload_damaged", DAMAGED)
    return sizes


def _reencode(image: Image.Image, index: int, source_format: str) -> CleanImage:
    image.seek(index)
    image.load()
    upright = ImageOps.exif_transpose(image) or image
    dpi = _sane_dpi(image.info.get("dpi"))
    if source_format == "JPEG":
        pixels = upright.convert("L" if upright.mode in ("1", "L", "LA", "I", "I;16", "F") else "RGB")
        pixels.info = {}
        out = io.BytesIO()
        # Everything that is not pixels is left behind: no exif=, icc_profile= or comment= given.
        pixels.save(out, format="JPEG", quality=92, optimize=True, dpi=dpi)
        return CleanImage(out.getvalue(), "image/jpeg", "jpg")
    if upright.mode not in ("1", "L", "RGB", "RGBA", "LA"):
        upright = upright.convert("RGBA" if "A" in upright.mode or "transparency" in image.info else "RGB")
    if upright.mode in ("RGBA", "LA"):
        # A scan has no transparency that matters: flatten onto white so every viewer shows the same.
        background = Image.new("RGB", upright.size, (255, 255, 255))
        background.paste(upright.convert("RGBA"), mask=upright.convert("RGBA").getchannel("A"))
        upright = background
    pixels = upright.copy()
    pixels.info = {}
    out = io.BytesIO()
    pixels.save(out, format="PNG", optimize=False, compress_level=6, dpi=dpi)
    return CleanImage(out.getvalue(), "image/png", "png")


def _sane_dpi(value: object) -> tuple[int, int]:
    """The scan's resolution when it is believable (page size in the PDF depends on it), else 300."""
    if isinstance(value, tuple) and len(value) == 2:
        try:
            x, y = (round(float(v)) for v in value)
        except (TypeError, ValueError):
            return (300, 300)
        if 72 <= x <= 1200 and 72 <= y <= 1200:
            return (x, y)
    return (300, 300)
