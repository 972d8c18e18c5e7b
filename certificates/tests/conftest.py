from __future__ import annotations

import pytest

FAKE_PDF = b"%PDF-1.7\n% fake certificate for tests that do not look at the PDF\n%%EOF\n"


@pytest.fixture
def fake_pdf(monkeypatch):
    """Skip WeasyPrint where the PDF itself is not under test; count the renderings."""
    rendered = []

    def render(content):
        rendered.append(content)
        return FAKE_PDF

    monkeypatch.setattr("certificates.services.render_certificate_pdf_bytes", render)
    # The fake is no PDF pyHanko could sign: tests of signing use the real renderer.
    monkeypatch.setattr("certificates.services.certificate_pdf_sign", lambda pdf, credential: pdf)
    return rendered
