"""A corpus of hostile uploads, generated in code (no binary fixtures).

Each entry is a ``Hostile`` with the bytes, the name a client would send, the
error code ``credentials.uploads.check_upload`` must answer and a word the
message must contain, so a refusal is both right and explained.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

from PIL import Image


@dataclass(frozen=True)
class Hostile:
    label: str
    name: str
    content: bytes
    code: str
    message_word: str


def pdf_bytes(objects: list[bytes], *, root: int = 1) -> bytes:
    """A well-formed PDF (header, numbered objects, xref table, trailer)."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    )
    return out.getvalue()


def plain_pdf(*, catalog_extra: bytes = b"", extra_objects: tuple[bytes, ...] = ()) -> bytes:
    """One blank page; ``catalog_extra`` is spliced into the catalog dictionary."""
    return pdf_bytes(
        [
            b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
            *extra_objects,
        ]
    )


def png_bytes(width: int = 40, height: int = 30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 200, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


def tiff_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (40, 30), 128).save(buffer, format="TIFF")
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_bomb(width: int = 20_000, height: int = 20_000) -> bytes:
    """A valid 1-bit PNG of ``width`` x ``height`` that compresses to a few hundred KB
    and would take gigabytes of memory to decode as RGB."""
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(row) for _ in range(height)]
    parts.append(compressor.flush())
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", b"".join(parts))
        + _png_chunk(b"IEND", b"")
    )


def tiff_bomb(width: int = 60_000, height: int = 60_000) -> bytes:
    """A little-endian TIFF header claiming a 3.6-gigapixel image, with one strip."""
    entries = [
        (256, 4, 1, width),  # ImageWidth, LONG
        (257, 4, 1, height),  # ImageLength
        (258, 3, 1, 8),  # BitsPerSample
        (259, 3, 1, 1),  # Compression: none
        (262, 3, 1, 1),  # Photometric: black is zero
        (273, 4, 1, 8),  # StripOffsets
        (277, 3, 1, 1),  # SamplesPerPixel
        (278, 4, 1, height),  # RowsPerStrip
        (279, 4, 1, 16),  # StripByteCounts
    ]
    ifd_offset = 8 + 16
    header = b"II*\x00" + struct.pack("<I", ifd_offset) + b"\x00" * 16
    ifd = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        packed = struct.pack("<HHI", tag, kind, count)
        packed += struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value)
        ifd += packed
    ifd += struct.pack("<I", 0)
    return header + ifd


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("diploma.pdf", plain_pdf())
    return buffer.getvalue()


def exe_bytes() -> bytes:
    """The start of a Windows PE executable: MZ header pointing at a PE signature."""
    stub = bytearray(b"MZ" + b"\x90\x00" * 29 + b"\x00" * 2)
    stub += b"\x00" * (0x3C - len(stub)) + struct.pack("<I", 0x80)
    stub += b"\x00" * (0x80 - len(stub)) + b"PE\x00\x00" + b"\x4c\x01" + b"\x00" * 200
    return bytes(stub)


def html_png_polyglot() -> bytes:
    """A valid PNG that a browser sniffing the bytes would also render as HTML with script."""
    png = png_bytes()
    payload = b"<html><body><script>fetch('/admin/').then(r=>r.text()).then(alert)</script></body></html>"
    iend = png.rindex(b"IEND") - 4
    # Hide the page in a text chunk before IEND, and again after it.
    return png[:iend] + _png_chunk(b"tEXt", b"Comment\x00" + payload) + png[iend:] + payload


def jpeg_with_trailer() -> bytes:
    return jpeg_bytes() + b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"


def corpus() -> list[Hostile]:
    js_action = b"<< /Type /Action /S /JavaScript /JS (app.alert('x')) >>"
    return [
        Hostile("empty file", "diploma.pdf", b"", "upload_empty", "empty"),
        Hostile("zip renamed .pdf", "diploma.pdf", zip_bytes(), "upload_type", "not a PDF"),
        Hostile("exe renamed .pdf", "diploma.pdf", exe_bytes(), "upload_type", "not a PDF"),
        Hostile(
            "html renamed .pdf",
            "diploma.pdf",
            b"<!doctype html><script>alert(1)</script>",
            "upload_type",
            "not a PDF",
        ),
        Hostile("html/png polyglot", "diploma.png", html_png_polyglot(), "upload_polyglot", "web page"),
        Hostile("jpeg with svg trailer", "diploma.jpg", jpeg_with_trailer(), "upload_polyglot", "web page"),
        Hostile(
            "pdf with /JavaScript open action",
            "diploma.pdf",
            plain_pdf(catalog_extra=b"/OpenAction 4 0 R", extra_objects=(js_action,)),
            "upload_pdf_active",
            "scripts",
        ),
        Hostile(
            "pdf with hex-encoded /J#61vaScript",
            "diploma.pdf",
            plain_pdf(
                catalog_extra=b"/OpenAction 4 0 R",
                extra_objects=(b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>",),
            ),
            "upload_pdf_active",
            "scripts",
        ),
        Hostile(
            "pdf with JavaScript name tree",
            "diploma.pdf",
            plain_pdf(
                catalog_extra=b"/Names << /JavaScript << /Names [(x) 4 0 R] >> >>",
                extra_objects=(js_action,),
            ),
            "upload_pdf_active",
            "scripts",
        ),
        Hostile(
            "pdf with launch action",
            "diploma.pdf",
            plain_pdf(
                catalog_extra=b"/OpenAction << /S /Launch /F (cmd.exe) >>",
            ),
            "upload_pdf_active",
            "scripts",
        ),
        Hostile(
            "pdf with embedded file",
            "diploma.pdf",
            plain_pdf(
                catalog_extra=b"/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >>",
                extra_objects=(b"<< /Type /Filespec /F (a.exe) /EF << /F 5 0 R >> >>", b"<< >>"),
            ),
            "upload_pdf_active",
            "scripts",
        ),
        Hostile(
            "pdf with script in an unreferenced object",
            "diploma.pdf",
            plain_pdf(extra_objects=(js_action,)),
            "upload_pdf_active",
            "scripts",
        ),
        Hostile(
            "pdf with hex-encoded script inside a compressed object stream",
            "diploma.pdf",
            pdf_with_object_stream(b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>"),
            "upload_pdf_active",
            "scripts",
        ),
        Hostile("truncated pdf", "diploma.pdf", b"%PDF-1.7\n1 0 obj\n<< /Type", "upload_damaged", "damaged"),
        Hostile("20000x20000 png", "diploma.png", png_bomb(), "upload_image_too_big", "pixels"),
        Hostile("tiff bomb", "diploma.tif", tiff_bomb(), "upload_image_too_big", "pixels"),
        Hostile("truncated png", "diploma.png", png_bytes()[:60], "upload_damaged", "damaged"),
    ]


def huge(limit: int) -> bytes:
    """A valid-looking PDF one byte over ``limit``."""
    start = b"%PDF-1.7\n"
    return start + b"0" * (limit + 1 - len(start))


def pdf_with_object_stream(hidden: bytes, *, via: bytes = b"/OpenAction") -> bytes:
    """A PDF 1.5 whose object 5 (``hidden``) lives inside a Flate-compressed object
    stream, so its names never appear in the file's raw bytes. The catalog's
    ``via`` key points at it."""
    packed = zlib.compress(b"5 0 " + hidden)
    first = len(b"5 0 ")
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    bodies = {
        1: b"<< /Type /Catalog /Pages 2 0 R " + via + b" 5 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        4: b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (first, len(packed))
        + packed
        + b"\nendstream",
    }
    for number, body in bodies.items():
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    offsets[6] = out.tell()
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    rows += [struct.pack(">BIH", 1, offsets[n], 0) for n in (1, 2, 3, 4)]
    rows += [struct.pack(">BIH", 2, 4, 0), struct.pack(">BIH", 1, offsets[6], 0)]
    data = b"".join(rows)
    out.write(
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(data)
        + data
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[6]
    )
    return out.getvalue()


def multi_page_pdf(pages: int, *, width: int = 612, height: int = 792) -> bytes:
    """``pages`` pages, each with a black bar across the top drawn by its content stream."""
    kids = b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
    ]
    for i in range(pages):
        content = b"0 0 0 rg 0 %d %d 40 re f" % (height - 40 - 10 * i, width)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R >>"
            % (width, height, 4 + 2 * i)
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    return pdf_bytes(objects)
