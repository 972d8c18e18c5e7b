"""Files with active or hidden content are kept only as a clean copy (issue 11, section 1).

PDFs are rewritten with every action, script, link, attachment, form and
metadata removed; images are re-encoded from their pixels alone. The copy is
read back: nothing of what made the file hostile survives in its bytes or in
its parsed objects, and it still shows its pages.
"""

from __future__ import annotations

import hashlib
import io

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from credentials.disarm.pdf import ACTIVE_KEYS
from credentials.page_images import render_pdf_pages
from credentials.uploads import check_upload

from .hostile_files import Disarmable, disarm_corpus, jpeg_with_gps, link_pdf, multi_frame_tiff

DISARM = disarm_corpus()


def _active_in(pdf_bytes: bytes) -> list[str]:
    found = []
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        assert pdf.Root.keys() <= {"/Type", "/Pages"}
        assert "/Info" not in pdf.trailer
        for obj in pdf.objects:
            dictionary = obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj
            if isinstance(dictionary, pikepdf.Dictionary):
                found += [key for key in dictionary.keys() if key in ACTIVE_KEYS]  # noqa: SIM118
    return found


@pytest.mark.parametrize("case", DISARM, ids=[c.label for c in DISARM])
def test_hostile_content_does_not_survive_in_the_stored_copy(case: Disarmable):
    checked = check_upload(SimpleUploadedFile(case.name, case.content))

    assert checked.content_type == case.mime
    assert checked.content != case.content
    assert checked.original_sha256 == hashlib.sha256(case.content).hexdigest()
    for forbidden in case.forbidden:
        assert forbidden not in checked.content, forbidden
    assert b"<script" not in checked.content.lower()
    if checked.content_type == "application/pdf":
        assert checked.content.startswith(b"%PDF-")
        assert _active_in(checked.content) == []
        assert len(render_pdf_pages(checked.content, width_px=100, max_pages=5)) == checked.pages
    else:
        with Image.open(io.BytesIO(checked.content)) as image:
            image.load()
            assert dict(image.getexif()) == {}
            assert not {"exif", "icc_profile", "comment", "Comment", "Description", "xmp"} & set(image.info)


def test_a_photo_loses_its_gps_position_and_camera_but_keeps_its_pixels():
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(0x8825)  # the GPS block is really there
        size = before.size

    checked = check_upload(SimpleUploadedFile("photo.jpg", original))

    with Image.open(io.BytesIO(checked.content)) as after:
        assert after.size == size
        assert not after.getexif()
        assert after.getpixel((10, 10)) == pytest.approx((240, 240, 230), abs=4)


def test_a_link_is_gone_but_the_page_it_sat_on_is_still_drawn():
    checked = check_upload(SimpleUploadedFile("d.pdf", link_pdf(b"javascript:alert(1)")))

    (png,) = render_pdf_pages(checked.content, width_px=200, max_pages=1)
    with Image.open(io.BytesIO(png)) as page:
        dark = sum(page.convert("L").histogram()[:50])
    assert dark > 100  # the black bar of the page content survives disarming


def test_a_multi_page_tiff_becomes_a_pdf_of_its_pages():
    checked = check_upload(SimpleUploadedFile("scan.tif", multi_frame_tiff(3)))
    assert checked.content_type == "application/pdf"
    assert checked.pages == 3
    with pikepdf.open(io.BytesIO(checked.content)) as pdf:
        assert len(pdf.pages) == 3
