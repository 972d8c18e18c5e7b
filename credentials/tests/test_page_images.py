"""``render_pdf_pages``: one PNG per page, bounded in width, pages and resources."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from credentials.page_images import PageRenderError, render_pdf_pages
from tests.security.hostile_files import multi_page_pdf


def _image(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return image


def test_each_page_becomes_a_png_of_the_asked_width():
    pngs = render_pdf_pages(multi_page_pdf(3), width_px=240, max_pages=10)

    assert len(pngs) == 3
    for png in pngs:
        assert _image(png).size == (240, round(240 * 792 / 612))


def test_the_page_is_drawn_not_left_blank():
    (png,) = render_pdf_pages(multi_page_pdf(1), width_px=200, max_pages=1)

    image = _image(png).convert("L")
    assert image.getpixel((100, 2)) < 50  # the black bar at the top of the page
    assert image.getpixel((100, image.height - 2)) > 200  # white below it


def test_only_the_first_max_pages_are_drawn():
    assert len(render_pdf_pages(multi_page_pdf(5), width_px=100, max_pages=2)) == 2


def test_a_very_tall_page_is_drawn_narrower_so_the_picture_stays_small():
    (png,) = render_pdf_pages(multi_page_pdf(1, width=100, height=14_400), width_px=400, max_pages=1)

    width, height = _image(png).size
    assert height <= 4 * 400
    assert width < 400


@pytest.mark.parametrize(("width_px", "max_pages"), [(0, 1), (5000, 1), (200, 0), (200, 1000)])
def test_out_of_range_arguments_are_refused(width_px, max_pages):
    with pytest.raises(ValueError):
        render_pdf_pages(multi_page_pdf(1), width_px=width_px, max_pages=max_pages)


@pytest.mark.parametrize("content", [b"", b"%PDF-1.7\n1 0 obj << /Type", b"not a pdf at all"])
def test_a_damaged_pdf_is_a_page_render_error(content):
    with pytest.raises(PageRenderError):
        render_pdf_pages(content, width_px=200, max_pages=1)
