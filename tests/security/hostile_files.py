"""A corpus of hostile uploads, generated in code (no binary fixtures).

Three corpora:

- ``corpus()``: files refused outright (not a PDF or image, empty, damaged, bombs),
  each a ``Hostile`` with the bytes, the name a client would send, the error code
  ``credentials.uploads.check_upload`` must answer and a word its message must contain;
- ``budget_corpus()``: PDFs and TIFFs built to exhaust a parser (hundreds of
  thousands of tiny arrays, deep nesting, inflation bombs, billions of claimed
  objects, 50 pages of 49 megapixels), refused by the bounded check;
- ``disarm_corpus()``: files with active or hidden content (scripts, actions,
  links, attachments, forms, polyglots, EXIF GPS) that are accepted only as a clean
  copy, each a ``Disarmable`` with the bytes that must not survive.
"""

from __future__ import annotations

import functools
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


SCRIPT_PAGE = b"<html><body><script>fetch('/admin/').then(r=>r.text()).then(alert)</script></body></html>"


def corpus() -> list[Hostile]:
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
        Hostile("truncated pdf", "diploma.pdf", b"%PDF-1.7\n1 0 obj\n<< /Type", "upload_damaged", "damaged"),
        Hostile("20000x20000 png", "diploma.png", png_bomb(), "upload_image_too_big", "pixels"),
        Hostile("tiff bomb", "diploma.tif", tiff_bomb(), "upload_image_too_big", "pixels"),
        Hostile("truncated png", "diploma.png", png_bytes()[:60], "upload_damaged", "damaged"),
        Hostile(
            "web page with a pdf inside (readers look for %PDF in the first kilobyte)",
            "diploma.pdf",
            SCRIPT_PAGE + b"\n" + plain_pdf(),
            "upload_type",
            "not a PDF",
        ),
        Hostile(
            "svg renamed .png",
            "diploma.png",
            b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
            "upload_type",
            "not a PDF",
        ),
        Hostile(
            "gif renamed .jpg",
            "diploma.jpg",
            b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
            "upload_type",
            "not a PDF",
        ),
        Hostile(
            "password-protected pdf",
            "diploma.pdf",
            plain_pdf().replace(b"/Root 1 0 R", b"/Root 1 0 R /Encrypt << /Filter /Standard /V 1 /R 2 >>"),
            "upload_pdf_encrypted",
            "password",
        ),
        Hostile(
            "pdf with no pages",
            "diploma.pdf",
            pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]),
            "upload_damaged",
            "no pages",
        ),
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


# Files that must come out disarmed ------------------------------------------------------------


@dataclass(frozen=True)
class Disarmable:
    """Accepted only as a clean copy: ``mime`` out, and none of ``forbidden`` in its bytes."""

    label: str
    name: str
    content: bytes
    mime: str
    forbidden: tuple[bytes, ...]


def pdf_with_page(
    page_extra: bytes = b"", *, catalog_extra: bytes = b"", extra: tuple[bytes, ...] = ()
) -> bytes:
    """One page with a visible content stream; ``page_extra`` spliced into the page dictionary.
    Extra objects are numbered from 5."""
    content = b"0 0 0 rg 72 700 300 40 re f"
    return pdf_bytes(
        [
            b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R " + page_extra + b" >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            *extra,
        ]
    )


def link_pdf(uri: bytes) -> bytes:
    """A page whose link annotation opens ``uri`` when clicked."""
    return pdf_with_page(
        b"/Annots [<< /Type /Annot /Subtype /Link /Rect [72 700 372 740] /Border [0 0 0] "
        b"/A << /S /URI /URI (" + uri + b") >> >>]"
    )


def pdf_html_polyglot() -> bytes:
    """A PDF that is also a web page: markup in a comment after the header, in a plain
    content stream, in the document information and after the end of file."""
    text = b"BT /F1 12 Tf 72 600 Td (" + SCRIPT_PAGE.replace(b"(", b"\\(").replace(b")", b"\\)") + b") Tj ET"
    body = pdf_bytes(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            b"<< /Title (" + SCRIPT_PAGE.replace(b"(", b"\\(").replace(b")", b"\\)") + b") >>",
        ]
    )
    header, rest = body.split(b"\n", 1)
    with_info = rest.replace(b"/Root 1 0 R", b"/Root 1 0 R /Info 6 0 R")
    # The comment shifts every offset; PDF readers repair the table, browsers read the markup.
    return header + b"\n%" + SCRIPT_PAGE + b"\n" + with_info + SCRIPT_PAGE


def jpeg_with_gps() -> bytes:
    """A phone photo of a diploma that says where it was taken (EXIF GPS) and by what camera."""
    from PIL import ExifTags

    image = Image.new("RGB", (64, 48), (240, 240, 230))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.BodySerialNumber] = "SERIAL-123456"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (40.0, 26.0, 46.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (79.0, 58.0, 56.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def jpeg_with_comment_segment(payload: bytes) -> bytes:
    """A JPEG carrying ``payload`` in a COM segment right after the start marker."""
    jpeg = jpeg_bytes()
    segment = b"\xff\xfe" + struct.pack(">H", len(payload) + 2) + payload
    return jpeg[:2] + segment + jpeg[2:]


def jpeg_carrying_pdf() -> bytes:
    """A JPEG with a whole PDF (OpenAction JavaScript) inside a comment and appended after it."""
    js_pdf = plain_pdf(
        catalog_extra=b"/OpenAction 4 0 R",
        extra_objects=(b"<< /Type /Action /S /JavaScript /JS (app.alert('owned')) >>",),
    )
    return jpeg_with_comment_segment(js_pdf) + js_pdf


def jpeg_with_zip() -> bytes:
    return jpeg_bytes() + zip_bytes()


def png_with_compressed_html() -> bytes:
    """A PNG whose markup hides in compressed text chunks (zTXt and iTXt), invisible to a byte scan."""
    png = png_bytes()
    iend = png.rindex(b"IEND") - 4
    ztxt = _png_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(SCRIPT_PAGE))
    itxt = _png_chunk(b"iTXt", b"Description\x00\x01\x00en\x00\x00" + zlib.compress(SCRIPT_PAGE))
    return png[:iend] + ztxt + itxt + png[iend:]


def png_with_exif_and_icc() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 200, 200))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", exif=exif.tobytes(), icc_profile=b"\x00" * 128 + SCRIPT_PAGE)
    return buffer.getvalue()


def multi_frame_tiff(frames: int = 3) -> bytes:
    buffer = io.BytesIO()
    images = [Image.new("L", (60, 80), 40 * i) for i in range(frames)]
    images[0].save(buffer, format="TIFF", save_all=True, append_images=images[1:])
    return buffer.getvalue()


@functools.cache
def disarm_corpus() -> tuple[Disarmable, ...]:
    js = (b"JavaScript", b"/JS", b"app.alert")
    return (
        Disarmable(
            "pdf/html polyglot", "diploma.pdf", pdf_html_polyglot(), "application/pdf", (b"<html", b"<script")
        ),
        Disarmable(
            "pdf with javascript: link",
            "diploma.pdf",
            link_pdf(b"javascript:alert(1)"),
            "application/pdf",
            (b"javascript:", b"/URI"),
        ),
        Disarmable(
            "pdf with a phishing link",
            "diploma.pdf",
            link_pdf(b"https://ecfmg-login.example.net/verify-your-account"),
            "application/pdf",
            (b"example.net", b"/URI"),
        ),
        Disarmable(
            "pdf with a Named action on opening",
            "diploma.pdf",
            pdf_with_page(catalog_extra=b"/OpenAction << /S /Named /N /Print >>"),
            "application/pdf",
            (b"/Named", b"/OpenAction"),
        ),
        Disarmable(
            "pdf with a Named action behind a link",
            "diploma.pdf",
            pdf_with_page(
                b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 612 792] /A << /S /Named /N /NextPage >> >>]"
            ),
            "application/pdf",
            (b"/Named", b"/Annots"),
        ),
        Disarmable(
            "pdf with JavaScript open action",
            "diploma.pdf",
            plain_pdf(
                catalog_extra=b"/OpenAction 4 0 R",
                extra_objects=(b"<< /Type /Action /S /JavaScript /JS (app.alert('x')) >>",),
            ),
            "application/pdf",
            js,
        ),
        Disarmable(
            "pdf with hex-encoded /J#61vaScript",
            "diploma.pdf",
            plain_pdf(
                catalog_extra=b"/OpenAction 4 0 R",
                extra_objects=(b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>",),
            ),
            "application/pdf",
            js,
        ),
        Disarmable(
            "pdf with a JavaScript name tree",
            "diploma.pdf",
            plain_pdf(
                catalog_extra=b"/Names << /JavaScript << /Names [(x) 4 0 R] >> >>",
                extra_objects=(b"<< /S /JavaScript /JS (app.alert(2)) >>",),
            ),
            "application/pdf",
            js,
        ),
        Disarmable(
            "pdf with a page-open script (page /AA)",
            "diploma.pdf",
            pdf_with_page(b"/AA << /O << /S /JavaScript /JS (app.alert(3)) >> >>"),
            "application/pdf",
            (*js, b"/AA"),
        ),
        Disarmable(
            "pdf with a launch action",
            "diploma.pdf",
            plain_pdf(catalog_extra=b"/OpenAction << /S /Launch /F (cmd.exe) >>"),
            "application/pdf",
            (b"/Launch", b"cmd.exe"),
        ),
        Disarmable(
            "pdf with an embedded file",
            "diploma.pdf",
            plain_pdf(
                catalog_extra=b"/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >>",
                extra_objects=(
                    b"<< /Type /Filespec /F (a.exe) /EF << /F 5 0 R >> >>",
                    b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream",
                ),
            ),
            "application/pdf",
            (b"EmbeddedFile", b"a.exe", b"/Filespec"),
        ),
        Disarmable(
            "pdf with a file attachment annotation",
            "diploma.pdf",
            pdf_with_page(
                b"/Annots [<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 20 20] /FS 5 0 R >>]",
                extra=(b"<< /Type /Filespec /F (payload.exe) >>",),
            ),
            "application/pdf",
            (b"FileAttachment", b"payload.exe"),
        ),
        Disarmable(
            "pdf with an AcroForm and XFA",
            "diploma.pdf",
            pdf_with_page(
                b"/Annots [5 0 R]",
                catalog_extra=b"/AcroForm << /Fields [5 0 R] /XFA 6 0 R >>",
                extra=(
                    b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /Rect [0 0 100 20] "
                    b"/AA << /K << /S /JavaScript /JS (app.alert(4)) >> >> >>",
                    b"<< /Length 27 >>\nstream\n<xdp:xdp><script/></xdp:xdp>\nendstream",
                ),
            ),
            "application/pdf",
            (b"/AcroForm", b"/XFA", b"xdp:xdp", *js),
        ),
        Disarmable(
            "pdf with a submit-form action and rich media",
            "diploma.pdf",
            pdf_with_page(
                b"/Annots [<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] /RichMediaContent << >> "
                b"/A << /S /SubmitForm /F (https://collect.example.net/) >> >>]"
            ),
            "application/pdf",
            (b"RichMedia", b"SubmitForm", b"collect.example.net"),
        ),
        Disarmable(
            "pdf with script in an unreferenced object",
            "diploma.pdf",
            plain_pdf(extra_objects=(b"<< /Type /Action /S /JavaScript /JS (app.alert('x')) >>",)),
            "application/pdf",
            js,
        ),
        Disarmable(
            "pdf with hex-encoded script inside a compressed object stream",
            "diploma.pdf",
            pdf_with_object_stream(b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>"),
            "application/pdf",
            js,
        ),
        Disarmable(
            "jpeg with a zip appended",
            "diploma.jpg",
            jpeg_with_zip(),
            "image/jpeg",
            (b"PK\x03\x04", b"diploma.pdf"),
        ),
        Disarmable(
            "jpeg carrying a pdf with OpenAction JavaScript",
            "diploma.jpg",
            jpeg_carrying_pdf(),
            "image/jpeg",
            (b"%PDF", b"JavaScript", b"app.alert"),
        ),
        Disarmable(
            "jpeg with EXIF GPS position",
            "photo.jpg",
            jpeg_with_gps(),
            "image/jpeg",
            (b"Exif", b"PhoneMaker", b"SERIAL-123456"),
        ),
        Disarmable(
            "jpeg with an svg trailer", "diploma.jpg", jpeg_with_trailer(), "image/jpeg", (b"<svg", b"onload")
        ),
        Disarmable(
            "png with html in compressed chunks",
            "diploma.png",
            png_with_compressed_html(),
            "image/png",
            (b"zTXt", b"iTXt", zlib.compress(SCRIPT_PAGE)[:12]),
        ),
        Disarmable(
            "html/png polyglot",
            "diploma.png",
            html_png_polyglot(),
            "image/png",
            (b"<html", b"<script", b"tEXt"),
        ),
        Disarmable(
            "png with exif and an icc profile",
            "diploma.png",
            png_with_exif_and_icc(),
            "image/png",
            (b"eXIf", b"iCCP", b"CameraMaker"),
        ),
        Disarmable("multi-page tiff", "diploma.tif", multi_frame_tiff(3), "application/pdf", ()),
    )


# Files that must be refused by the bounded check ------------------------------------------------


def tiff_pages(pages: int = 50, width: int = 7000, height: int = 7000) -> bytes:
    """A TIFF of ``pages`` pages of ``width`` x ``height`` (49 megapixels by default) in a few
    kilobytes: every page header points at the same tiny strip."""
    entries_per_ifd = 9
    ifd_size = 2 + 12 * entries_per_ifd + 4
    strip_offset = 8
    first_ifd = 8 + 16
    out = bytearray(b"II*\x00" + struct.pack("<I", first_ifd) + b"\x00" * 16)
    for page in range(pages):
        offset = first_ifd + page * ifd_size
        next_ifd = offset + ifd_size if page < pages - 1 else 0
        entries = [
            (256, 4, width),
            (257, 4, height),
            (258, 3, 8),
            (259, 3, 1),
            (262, 3, 1),
            (273, 4, strip_offset),
            (277, 3, 1),
            (278, 4, height),
            (279, 4, 16),
        ]
        out += struct.pack("<H", len(entries))
        for tag, kind, value in entries:
            out += struct.pack("<HHI", tag, kind, 1)
            out += struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value)
        out += struct.pack("<I", next_ifd)
    return bytes(out)


def pdf_with_object_streams(bodies: list[bytes]) -> bytes:
    """A PDF 1.5 whose objects ``bodies`` (numbered from 4) each sit in their own
    Flate-compressed object stream, listed in a cross-reference stream."""
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    plain = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    }
    for number, body in plain.items():
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    inside: dict[int, int] = {}
    next_number = 4 + len(bodies)
    for index, body in enumerate(bodies):
        number = 4 + index
        prefix = b"%d 0 " % number
        packed = zlib.compress(prefix + body, 9)
        stream_number = next_number
        next_number += 1
        inside[number] = stream_number
        offsets[stream_number] = out.tell()
        out.write(
            b"%d 0 obj\n<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
            % (stream_number, len(prefix), len(packed))
            + packed
            + b"\nendstream\nendobj\n"
        )
    xref_number = next_number
    offsets[xref_number] = out.tell()
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    for number in range(1, xref_number + 1):
        if number in inside:
            rows.append(struct.pack(">BIH", 2, inside[number], 0))
        else:
            rows.append(struct.pack(">BIH", 1, offsets[number], 0))
    data = b"".join(rows)
    out.write(
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % (xref_number, xref_number + 1, len(data))
        + data
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[xref_number]
    )
    return out.getvalue()


def tiny_arrays_pdf(arrays: int = 300_000, streams: int = 8) -> bytes:
    """The issue's file: about 26 KB whose object streams unpack to hundreds of thousands
    of tiny arrays (took the old check 30 s of CPU and 800 MB)."""
    per_stream = arrays // streams
    bodies = [
        b"[" + b"".join(b"[%d]" % ((i * 7919 + s * 31) % 1000) for i in range(per_stream)) + b"]"
        for s in range(streams)
    ]
    return pdf_with_object_streams(bodies)


def nested_arrays_pdf(depth: int = 200_000) -> bytes:
    """Arrays nested two hundred thousand deep (recursion in a parser)."""
    return pdf_with_object_streams([b"[" * depth + b"]" * depth])


def token_flood_pdf(numbers: int = 3_000_000) -> bytes:
    """One array of three million numbers: one container, millions of objects to build."""
    return pdf_with_object_streams([b"[" + b"0 " * numbers + b"]"])


def objects_claimed_pdf(count: int = 1_000_000_000) -> bytes:
    """An object stream that says it holds a billion objects."""
    data = pdf_with_object_streams([b"<< >>"])
    return data.replace(b"/ObjStm /N 1 ", b"/ObjStm /N %d " % count)


@functools.cache
def flate_bomb_pdf(decoded_megabytes: int = 128) -> bytes:
    """A page whose content stream inflates to ``decoded_megabytes`` MB (about a thousand to one)."""
    compressor = zlib.compressobj(9)
    block = b"\x00" * (1024 * 1024)
    packed = b"".join(compressor.compress(block) for _ in range(decoded_megabytes)) + compressor.flush()
    return pdf_bytes(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream",
        ]
    )


def giant_image_pdf() -> bytes:
    """A page drawing an image that declares 100,000 x 100,000 pixels."""
    return pdf_with_page(
        b"/Resources << /XObject << /Im0 5 0 R >> >>",
        extra=(
            b"<< /Type /XObject /Subtype /Image /Width 100000 /Height 100000 /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Filter /FlateDecode /Length 8 >>\nstream\nx\x9c\x03\x00\x00\x00\x00\x01\nendstream",
        ),
    )


def many_objects_pdf(objects: int = 60_000) -> bytes:
    """Sixty thousand plain indirect objects."""
    return pdf_bytes(
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"] + [b"1"] * objects
    )


def unbalanced_string_pdf(depth: int = 2_000_000) -> bytes:
    """A literal string opening two million nested parentheses."""
    return pdf_with_page(extra=(b"(" * depth,))


def lzw_stream_pdf() -> bytes:
    return pdf_with_page(extra=(b"<< /Length 4 /Filter /LZWDecode >>\nstream\n\x80\x0b\x60\x50\nendstream",))


@functools.cache
def budget_corpus() -> tuple[Hostile, ...]:
    return (
        Hostile(
            "26 KB of object streams holding 300,000 tiny arrays",
            "d.pdf",
            tiny_arrays_pdf(),
            "upload_pdf_complex",
            "complex",
        ),
        Hostile("arrays nested 200,000 deep", "d.pdf", nested_arrays_pdf(), "upload_pdf_complex", "complex"),
        Hostile("an array of 3 million numbers", "d.pdf", token_flood_pdf(), "upload_pdf_complex", "complex"),
        Hostile(
            "an object stream claiming a billion objects",
            "d.pdf",
            objects_claimed_pdf(),
            "upload_pdf_complex",
            "complex",
        ),
        Hostile("60,000 indirect objects", "d.pdf", many_objects_pdf(), "upload_pdf_complex", "complex"),
        Hostile(
            "a content stream inflating to 128 MB", "d.pdf", flate_bomb_pdf(), "upload_pdf_complex", "complex"
        ),
        Hostile(
            "an image of 10 gigapixels inside a pdf",
            "d.pdf",
            giant_image_pdf(),
            "upload_image_too_big",
            "pixels",
        ),
        Hostile(
            "a string of 2 million open parentheses",
            "d.pdf",
            unbalanced_string_pdf(),
            "upload_pdf_complex",
            "complex",
        ),
        Hostile(
            "an LZW stream the check cannot bound",
            "d.pdf",
            lzw_stream_pdf(),
            "upload_damaged",
            "print it to a new PDF",
        ),
        Hostile(
            "a 50-page tiff of 49 megapixels a page", "d.tif", tiff_pages(), "upload_image_too_big", "pixels"
        ),
        Hostile(
            "a 40-page tiff of 8 megapixels a page",
            "d.tif",
            tiff_pages(40, 2800, 2800),
            "upload_image_too_big",
            "fewer pages",
        ),
        Hostile("a tiff of 51 small pages", "d.tif", tiff_pages(51, 100, 100), "upload_pages", "at most"),
    )
