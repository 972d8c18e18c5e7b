"""R-CE-2: the PDF carries every required field, as recorded, on one landscape page;
accented and non-Latin names render; applicant values are escaped."""

from __future__ import annotations

import base64
import datetime
import io
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import tinyhtml5.inputstream
import zxingcpp
from django.template.loader import render_to_string
from PIL import Image
from pypdf import PdfReader

from certificates import pdf as pdf_module
from certificates.pdf import (
    CERTIFICATE_SIGNATURE_BOX,
    qr_data_uri,
    render_certificate_pdf_bytes,
    render_floor_pdf_bytes,
)
from certificates.signing.pdf import sign_pdf
from certificates.tests.factories import SAMPLE_CODE as CODE
from certificates.tests.factories import sample_content as content

DOCS_IMAGE = Path(__file__).resolve().parents[2] / "docs" / "certificate.png"


def text_of(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    # Whitespace flattened: a long value may wrap onto two lines.
    return reader, " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_it_prints_every_required_field_on_one_landscape_page():
    reader, text = text_of(render_certificate_pdf_bytes(content()))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == (792.0, 612.0)  # US Letter, landscape
    for expected in (
        "Standard ECFMG Certificate",
        "María José Núñez-Øberg",
        "12345674",
        "March 14, 2026",  # date examination requirements were met (R-EX-5)
        "November 25, 2026",  # date entered
        "8-710-042-6",
        CODE,
    ):
        assert expected in text, expected
    assert "Revoked" not in text


@pytest.mark.parametrize(
    "name",
    [
        "Đặng Thị Ngọc Lan",
        "王小明",
        "Αλέξανδρος Παπαδόπουλος",
        "Пётр Ильич Чайковский",
        "Zoë Ångström-Dvořák",
    ],
)
def test_it_renders_accented_and_non_latin_names(name):
    _, text = text_of(render_certificate_pdf_bytes(content(full_name=name)))
    assert name in text


def test_a_very_long_name_still_fits_on_one_page():
    name = "Maria " * 20 + "Fernández de la Santísima Trinidad"
    reader, _ = text_of(render_certificate_pdf_bytes(content(full_name=name.strip())))
    assert len(reader.pages) == 1


def test_applicant_values_are_escaped():
    pdf = render_certificate_pdf_bytes(
        content(full_name='<script>alert(1)</script> <img src="file:///etc/passwd"> O\'Brien & Sons')
    )
    _, text = text_of(pdf)
    # Printed as text, not interpreted as markup.
    assert "<script>alert(1)</script>" in text
    assert '<img src="file:///etc/passwd">' in text
    assert "O'Brien & Sons" in text


def test_a_revoked_certificate_says_so():
    _, text = text_of(render_certificate_pdf_bytes(content(revoked_on=datetime.date(2026, 12, 1))))
    assert "revoked on December 1, 2026" in text


def test_the_floor_page_renders():
    _, text = text_of(render_floor_pdf_bytes())
    assert "ECFMG" in text


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_it_renders_to_a_png(tmp_path):
    """The image in docs/ comes from here: UPDATE_DOCS_IMAGE=1 writes it."""
    pdf_path = tmp_path / "certificate.pdf"
    # Signed as issued (R-VE-4), so the picture shows the visible signature block too.
    pdf_path.write_bytes(
        sign_pdf(render_certificate_pdf_bytes(content()), reason="test", box=CERTIFICATE_SIGNATURE_BOX)
    )
    subprocess.run(  # noqa: S603
        ["pdftoppm", "-png", "-r", "110", "-singlefile", str(pdf_path), str(tmp_path / "certificate")],  # noqa: S607
        check=True,
        timeout=60,
    )
    png = tmp_path / "certificate.png"
    with Image.open(png) as image:
        # The printed QR code opens the public verification page of this certificate.
        assert [code.text for code in zxingcpp.read_barcodes(image)] == [content().verify_url]
        width, height = image.size
        assert width > height  # landscape
        assert (width, height) == (1210, 935)
        # Not blank: the frame, title and name put many distinct colours on the page.
        assert len(image.convert("RGB").getcolors(maxcolors=1_000_000) or []) > 50
    if os.environ.get("UPDATE_DOCS_IMAGE") == "1":
        shutil.copyfile(png, DOCS_IMAGE)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/verify/" + CODE + "/",
        "https://portal.ecfmg.org/verify/" + CODE + "/",
        "https://certification-portal.example.ecfmg.org/verify/" + "Zz9" * 11 + "/",
    ],
)
def test_the_qr_code_with_its_fixed_mask_decodes(url):
    """The mask is fixed rather than scored per code (pdf.QR_MASK): every code must
    still read back, whatever the address's length and characters."""
    png = base64.b64decode(qr_data_uri(url).removeprefix("data:image/png;base64,"))
    with Image.open(io.BytesIO(png)) as image:
        # One pixel per module: scaled up with a quiet zone, as printed.
        modules = image.convert("L")
        side = modules.width * 8
        scaled = modules.resize((side, side), Image.Resampling.NEAREST)
        framed = Image.new("L", (side + 64, side + 64), 255)
        framed.paste(scaled, (32, 32))
    assert [code.text for code in zxingcpp.read_barcodes(framed)] == [url]


def test_it_states_that_the_holder_may_enter_acgme_graduate_medical_education():
    """R-CE-4: what the certificate is for is printed on it."""
    _, text = text_of(render_certificate_pdf_bytes(content()))
    assert "graduate medical education" in text
    assert "accredited by the ACGME" in text


def test_the_html_parser_pattern_cache_parses_the_certificate_as_tinyhtml5_does(monkeypatch):
    """pdf._CharsUntilPatterns stands in for tinyhtml5's pattern cache (which never hits in
    2.1.0): the tree it parses is the one tinyhtml5 parses with its own, and it is hit."""
    markup = render_to_string(
        pdf_module.TEMPLATE_NAME, {"c": content(), "qr_code": qr_data_uri(content().verify_url)}
    )
    ours = ET.tostring(pdf_module._html(markup).etree_element)
    patterns = dict(tinyhtml5.inputstream.characters_until_regex)
    assert ET.tostring(pdf_module._html(markup).etree_element) == ours
    assert dict(tinyhtml5.inputstream.characters_until_regex) == patterns  # nothing new: all hits

    monkeypatch.setattr(tinyhtml5.inputstream, "characters_until_regex", {})
    assert ET.tostring(pdf_module._html(markup).etree_element) == ours
