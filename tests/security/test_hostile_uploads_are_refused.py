"""Hostile files are refused by content, each with a sentence the applicant can act on."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader

from credentials import uploads
from credentials.uploads import check_upload
from ecfmg_portal.errors import DomainError

from .hostile_files import (
    Hostile,
    corpus,
    huge,
    jpeg_bytes,
    pdf_with_object_stream,
    plain_pdf,
    png_bytes,
    tiff_bytes,
)

CORPUS = corpus()


@pytest.mark.parametrize("hostile", CORPUS, ids=[h.label for h in CORPUS])
def test_hostile_file_is_refused_with_a_clear_message(hostile: Hostile):
    with pytest.raises(DomainError) as refused:
        check_upload(SimpleUploadedFile(hostile.name, hostile.content, content_type="application/pdf"))
    assert refused.value.code == hostile.code
    assert hostile.message_word in refused.value.message
    assert refused.value.field == "file"


@pytest.mark.parametrize(
    ("content", "mime"),
    [
        (plain_pdf(), "application/pdf"),
        # An "open at page 1, fit" destination is not an action.
        (plain_pdf(catalog_extra=b"/OpenAction [3 0 R /Fit]"), "application/pdf"),
        (png_bytes(), "image/png"),
        (jpeg_bytes(), "image/jpeg"),
        (tiff_bytes(), "image/tiff"),
    ],
)
def test_ordinary_scans_are_accepted(content: bytes, mime: str):
    checked = check_upload(SimpleUploadedFile("scan.bin", content))
    assert checked.content_type == mime
    assert checked.content == content


def test_file_over_the_size_limit_is_refused_before_it_is_read(settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    with pytest.raises(DomainError) as refused:
        check_upload(SimpleUploadedFile("diploma.pdf", huge(settings.UPLOAD_MAX_BYTES)))
    assert refused.value.code == "upload_too_large"
    assert "larger than 1 MB" in refused.value.message


def test_file_that_lies_about_its_size_is_still_cut_at_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("diploma.pdf", huge(settings.UPLOAD_MAX_BYTES))
    upload.size = 10  # a client-declared size is never trusted
    with pytest.raises(DomainError) as refused:
        check_upload(upload)
    assert refused.value.code == "upload_too_large"


def test_missing_file_is_refused():
    with pytest.raises(DomainError) as refused:
        check_upload(None)
    assert refused.value.code == "upload_missing"


def test_pillow_bomb_limit_is_the_portal_limit():
    # Set at import: any other Pillow use in the process refuses the same bombs.
    assert Image.MAX_IMAGE_PIXELS == uploads.MAX_IMAGE_PIXELS


def test_image_between_the_limit_and_twice_the_limit_is_refused_not_only_warned(monkeypatch):
    # Pillow only warns between MAX_IMAGE_PIXELS and twice that; the warning must refuse too.
    monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 10_000)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000)
    with pytest.raises(DomainError) as refused:
        check_upload(SimpleUploadedFile("scan.png", png_bytes(40, 30)))
    assert refused.value.code == "upload_image_too_big"


def test_parsed_pdf_walk_finds_hex_encoded_names_the_byte_scan_cannot_see():
    hidden = pdf_with_object_stream(b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>")
    assert b"JavaScript" not in hidden and b"#61" not in hidden  # compressed away
    assert not uploads._raw_names_are_active(hidden)
    assert uploads._has_active_content(PdfReader(io.BytesIO(hidden)))


def test_parsed_pdf_walk_accepts_a_harmless_object_stream():
    harmless = pdf_with_object_stream(b"<< /Title (Diploma) >>", via=b"/PieceInfo")
    assert not uploads._has_active_content(PdfReader(io.BytesIO(harmless)))
    assert check_upload(SimpleUploadedFile("d.pdf", harmless)).content_type == "application/pdf"


def test_pdf_with_too_many_pages_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_PDF_PAGES", 0)
    with pytest.raises(DomainError) as refused:
        check_upload(SimpleUploadedFile("d.pdf", plain_pdf()))
    assert refused.value.code == "upload_pdf_pages"


@pytest.mark.parametrize("via", [b"/PieceInfo", b"/Unreferenced"])
def test_pdf_with_a_decompression_bomb_in_an_object_stream_is_refused(via: bytes):
    bomb = pdf_with_object_stream(b"<< /Title (" + b"0" * 20_000_000 + b") >>", via=via)
    assert len(bomb) < 100_000
    with pytest.raises(DomainError) as refused:
        check_upload(SimpleUploadedFile("d.pdf", bomb))
    assert refused.value.code == "upload_damaged"
