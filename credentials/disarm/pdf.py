"""Rewrite a PDF so that only its pages' appearance is left (pikepdf, inside the sandbox).

Kept: the page tree, each page's box, rotation, content and resources (fonts,
images, form XObjects, colour spaces). Removed, wherever they are reachable:
the document's open action and additional actions, the name tree (JavaScript,
embedded files, named destinations), interactive forms (AcroForm, XFA),
outlines, document and XMP metadata, every annotation (links with their URI or
``javascript:`` targets, file attachments, widgets, sounds, movies) after
flattening the visible ones into the page, and any action, script, file
specification or rich-media entry a resource dictionary might carry. Then the
file is written anew: object streams regenerated and every plain stream
compressed, so no comment, trailing data or cleartext (HTML of a polyglot)
survives, and checked again: if anything active remains, the file is refused
as one that cannot be disarmed.
"""

from __future__ import annotations

import contextlib
import io

import pikepdf

from credentials.disarm.errors import Refusal
from credentials.disarm.pdf_budget import PdfBudget, scan_pdf

PAGE_KEYS = frozenset(
    {
        "/Type",
        "/Parent",
        "/Kids",
        "/Count",
        "/MediaBox",
        "/CropBox",
        "/BleedBox",
        "/TrimBox",
        "/ArtBox",
        "/Rotate",
        "/Resources",
        "/Contents",
        "/UserUnit",
        "/Group",
    }
)
# Keys that make a PDF act (run, open, fetch, submit, play) or carry a file.
ACTIVE_KEYS = frozenset(
    {
        "/A",
        "/AA",
        "/OpenAction",
        "/JS",
        "/JavaScript",
        "/URI",
        "/Launch",
        "/GoToR",
        "/GoToE",
        "/SubmitForm",
        "/ImportData",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/EF",
        "/FileAttachment",
        "/RichMedia",
        "/RichMediaContent",
        "/XFA",
        "/AcroForm",
        "/Names",
        "/Rendition",
        "/Movie",
        "/Sound",
        "/Metadata",
        "/PieceInfo",
        "/Annots",
        "/Thumb",
        "/B",  # article beads
        "/Next",  # chained actions
    }
)
# Action types, should one be a value somewhere we do not expect.
ACTIVE_NAMES = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/URI",
        "/GoToR",
        "/GoToE",
        "/SubmitForm",
        "/ImportData",
        "/ResetForm",
        "/Named",
        "/Rendition",
        "/RichMedia",
        "/EmbeddedFile",
        "/Filespec",
        "/Sound",
        "/Movie",
        "/SetOCGState",
        "/Trans",
        "/GoTo3DView",
        "/Hide",
    }
)
DAMAGED = "The PDF could not be read; it may be damaged. Scan the document again, or print it to a new PDF."
CANNOT_DISARM = (
    "The PDF has scripts, actions or attached files that cannot be removed safely; "
    "print it to a new PDF (or scan the paper document) and upload that."
)
MAX_WALK = 200_000


def disarm_pdf(data: bytes, *, max_pages: int, budget: PdfBudget | None = None) -> tuple[bytes, int]:
    """The disarmed PDF and its page count; ``Refusal`` if it cannot be made safe."""
    scan_pdf(data, budget)
    return rewrite_pdf(data, max_pages=max_pages)


def rewrite_pdf(data: bytes, *, max_pages: int) -> tuple[bytes, int]:
    """The rewriting step alone, for a file that has already passed ``scan_pdf``."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if pdf.is_encrypted:
                raise Refusal(
                    "upload_pdf_encrypted", "The PDF is password-protected; upload it without a password."
                )
            pages = len(pdf.pages)
            if pages == 0:
                raise Refusal("upload_damaged", "The PDF has no pages. " + DAMAGED)
            if pages > max_pages:
                raise Refusal(
                    "upload_pdf_pages", f"The PDF has more than {max_pages} pages; send at most {max_pages}."
                )
            _strip(pdf)
            out = io.BytesIO()
            pdf.save(
                out,
                compress_streams=True,
                stream_decode_level=pikepdf.StreamDecodeLevel.none,
                object_stream_mode=pikepdf.ObjectStreamMode.generate,
                fix_metadata_version=False,
                deterministic_id=True,
            )
    except pikepdf.PasswordError:
        raise Refusal(
            "upload_pdf_encrypted", "The PDF is password-protected; upload it without a password."
        ) from None
    except (pikepdf.PdfError, ValueError, TypeError, RecursionError, KeyError) as exc:
        raise Refusal("upload_damaged", DAMAGED) from exc
    disarmed = out.getvalue()
    _verify(disarmed, pages)
    return disarmed, pages


def _strip(pdf: pikepdf.Pdf) -> None:
    # Visible annotations (stamps, filled-in form values) become part of the page; if that
    # fails, the annotations are removed below all the same.
    with contextlib.suppress(pikepdf.PdfError, ValueError, TypeError, AttributeError, KeyError):
        pdf.flatten_annotations(mode="print")
    root = pdf.Root
    for key in list(root.keys()):
        if key not in ("/Type", "/Pages"):
            del root[key]
    trailer = pdf.trailer
    for key in list(trailer.keys()):
        if key not in ("/Root", "/Size", "/ID"):
            del trailer[key]
    for page in pdf.pages:
        node: pikepdf.Dictionary | None = page.obj
        # The page and every ancestor in the page tree keep only what draws the page.
        seen_nodes = 0
        while isinstance(node, pikepdf.Dictionary) and seen_nodes < 64:
            for key in list(node.keys()):
                if key not in PAGE_KEYS:
                    del node[key]
            parent = node.get("/Parent")
            node = parent if isinstance(parent, pikepdf.Dictionary) else None
            seen_nodes += 1
    _strip_reachable(pdf)


def _strip_reachable(pdf: pikepdf.Pdf) -> None:
    """Remove active keys from every dictionary reachable from the pages."""
    stack: list[object] = [page.obj for page in pdf.pages]
    seen: set[tuple[int, int]] = set()
    walked = 0
    while stack:
        node = stack.pop()
        walked += 1
        if walked > MAX_WALK:
            raise Refusal("upload_pdf_complex", CANNOT_DISARM)
        if isinstance(node, (pikepdf.Dictionary, pikepdf.Stream, pikepdf.Array)) and node.is_indirect:
            ident = node.objgen
            if ident in seen:
                continue
            seen.add(ident)
        if isinstance(node, pikepdf.Stream):
            node = node.stream_dict
        if isinstance(node, pikepdf.Dictionary):
            for key in list(node.keys()):
                if key in ACTIVE_KEYS:
                    del node[key]
                elif key != "/Parent":
                    stack.append(node[key])
        elif isinstance(node, pikepdf.Array):
            stack.extend(node)


def _verify(disarmed: bytes, pages: int) -> None:
    """Read the new file back: same pages, nothing active anywhere in it."""
    try:
        with pikepdf.open(io.BytesIO(disarmed)) as pdf:
            if len(pdf.pages) != pages:
                raise Refusal("upload_damaged", DAMAGED)
            for obj in pdf.objects:
                dictionary = obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj
                if isinstance(dictionary, pikepdf.Dictionary):
                    for key in list(dictionary.keys()):
                        value = dictionary.get(key)
                        if key in ACTIVE_KEYS or (
                            key in ("/S", "/Type", "/Subtype")
                            and isinstance(value, pikepdf.Name)
                            and str(value) in ACTIVE_NAMES
                        ):
                            raise Refusal("upload_pdf_active", CANNOT_DISARM)
    except pikepdf.PdfError as exc:
        raise Refusal("upload_damaged", DAMAGED) from exc
